import CSystemd
import Logging
import ServiceLifecycle

/// `sd_notify` through libsystemd. Without `NOTIFY_SOCKET` (not under systemd) every call is a
/// no-op, so daemons call it unconditionally.
public enum SystemdNotifier {
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// Half the watchdog period when systemd asked for pings (`WATCHDOG_USEC` for this pid).
    public static func watchdogPingInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds / 2))
    }
}

/// Pings the systemd watchdog while the daemon runs and says `STOPPING=1` when shutdown begins.
public struct SystemdWatchdogService: Service {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func run() async throws {
        let interval = SystemdNotifier.watchdogPingInterval()
        await withGracefulShutdownHandler {
            guard let interval else {
                try? await gracefulShutdown()
                return
            }
            self.logger.debug("systemd watchdog enabled", metadata: ["watchdog.interval": "\(interval)"])
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                SystemdNotifier.notify("WATCHDOG=1")
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            SystemdNotifier.notify("STOPPING=1")
        }
    }
}

import Logging
import ServiceLifecycle

/// The work loop of a non-HTTP daemon: binds its wake-up socket, reports ready to systemd, and
/// calls `handle` at start, on every wake-up message and on every poll, until shutdown.
public struct WorkerService: Service {
    let daemon: DaemonName
    let config: CRMConfig
    let heartbeat: Heartbeat
    let logger: Logger
    let handle: @Sendable (Wake) async -> Void

    public init(
        daemon: DaemonName,
        config: CRMConfig,
        heartbeat: Heartbeat,
        logger: Logger,
        handle: @escaping @Sendable (Wake) async -> Void
    ) {
        self.daemon = daemon
        self.config = config
        self.heartbeat = heartbeat
        self.logger = logger
        self.handle = handle
    }

    public func run() async throws {
        let socketPath = self.config.socketPath(for: self.daemon)
        try await WakeSignals.listen(
            socketPath: socketPath,
            pollInterval: self.config.pollInterval,
            logger: self.logger
        ) {
            wakes in
            SystemdNotifier.notify("READY=1")
            self.logger.info("ready", metadata: ["wake.socket": "\(socketPath)"])
            for await wake in wakes.cancelOnGracefulShutdown() {
                switch wake {
                case .start: break
                case .poll: await self.heartbeat.increment("polls")
                case .message(let message):
                    await self.heartbeat.increment("wakes")
                    await self.heartbeat.set("last_wake", .string(message.description))
                }
                await self.handle(wake)
                // A message is rare and an operator may be waiting on it: show it at once.
                if case .message = wake { await self.heartbeat.beat() }
            }
        }
        self.logger.info("stopped")
    }
}

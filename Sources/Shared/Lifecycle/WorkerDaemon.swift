import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a non-HTTP daemon: schema check, then its work loop, heartbeat and systemd watchdog in one
/// `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT.
public enum WorkerDaemon {
    public static func serve(
        _ environment: DaemonEnvironment,
        configure: @Sendable (AppDatabase, Heartbeat) async throws -> @Sendable (Wake) async -> Void
    ) async throws {
        let database = try await environment.openCurrentDatabase()
        let heartbeat = Heartbeat(daemon: environment.daemon, database: database, logger: environment.logger)
        let handle = try await configure(database, heartbeat)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: SystemdWatchdogService(logger: environment.logger)),
                    .init(
                        service: HeartbeatService(heartbeat: heartbeat, interval: environment.config.heartbeatInterval)
                    ),
                    .init(
                        service: WorkerService(
                            daemon: environment.daemon,
                            config: environment.config,
                            heartbeat: heartbeat,
                            logger: environment.logger,
                            handle: handle
                        )
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: environment.logger
            )
        )
        try await group.run()
    }
}

extension WorkerDaemon {
    /// The whole `serve` command of a worker daemon: load, serve, and map failures to exit codes.
    public static func main(
        _ daemon: DaemonName,
        configure: @Sendable (AppDatabase, Heartbeat, DaemonEnvironment) async throws -> @Sendable (Wake) async -> Void
    ) async throws {
        do {
            let environment = try DaemonEnvironment.load(daemon)
            try await Self.serve(environment) { database, heartbeat in
                try await configure(database, heartbeat, environment)
            }
        } catch {
            throw StartupFailure.exit(error, command: daemon.rawValue)
        }
    }
}

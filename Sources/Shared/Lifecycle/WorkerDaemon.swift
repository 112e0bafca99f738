import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a non-HTTP daemon: schema check, then its work loop, heartbeat and systemd watchdog in one
/// `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT.
public enum WorkerDaemon {
    /// What a worker daemon does with each wake-up (start, poll, message), built once it has its
    /// database and heartbeat.
    public typealias Work = @Sendable (Wake) async -> Void

    /// The daemon's whole service group: systemd watchdog, heartbeat, and the work loop. Tests
    /// build and run it as the daemon does.
    public static func buildServiceGroup(
        _ environment: DaemonEnvironment,
        heartbeat: Heartbeat,
        work: @escaping Work
    ) -> ServiceGroup {
        ServiceGroup(
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
                            handle: work
                        )
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: environment.logger
            )
        )
    }

    /// Checks the schema, builds the daemon's work and runs its service group until SIGTERM.
    public static func serve(
        _ environment: DaemonEnvironment,
        configure: @Sendable (AppDatabase, Heartbeat) async throws -> Work
    ) async throws {
        let database = try await environment.openCurrentDatabase()
        let heartbeat = Heartbeat(daemon: environment.daemon, database: database, logger: environment.logger)
        let work = try await configure(database, heartbeat)
        try await Self.buildServiceGroup(environment, heartbeat: heartbeat, work: work).run()
    }
}

extension WorkerDaemon {
    /// The whole `serve` command of a worker daemon: load, serve, and map failures to exit codes.
    public static func main(
        _ daemon: DaemonName,
        configure: @Sendable (AppDatabase, Heartbeat, DaemonEnvironment) async throws -> Work
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

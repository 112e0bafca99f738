import Hummingbird
import Logging
import Shared

/// Builds the crm-api application: router, heartbeat and systemd services. Tests call this too.
func buildApplication(environment: DaemonEnvironment, database: AppDatabase) async throws -> some ApplicationProtocol {
    let config = environment.config
    let logger = environment.logger
    let heartbeat = Heartbeat(daemon: .api, database: database, logger: logger)
    await heartbeat.set("http", .string("\(config.httpHost):\(config.httpPort)"))
    return Application(
        router: buildRouter(database: database),
        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "crm-api"),
        services: [
            SystemdWatchdogService(logger: logger),
            HeartbeatService(heartbeat: heartbeat, interval: config.heartbeatInterval),
        ],
        onServerRunning: { channel in
            SystemdNotifier.notify("READY=1")
            logger.info("ready", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}

/// The routes, each area registered by its controller.
func buildRouter(database: AppDatabase) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: APIErrorMiddleware())
    HealthController(database: database).addRoutes(to: router)
    return router
}

import Hummingbird
import HummingbirdCore
import Logging
import Shared

/// Builds the crm-api application: router, heartbeat and systemd services. Tests call this too.
func buildApplication(
    environment: DaemonEnvironment,
    database: AppDatabase,
    clock: AppClock = .system
) async throws -> some ApplicationProtocol {
    let config = environment.config
    let logger = environment.logger
    let heartbeat = Heartbeat(daemon: .api, database: database, logger: logger)
    await heartbeat.set("http", .string("\(config.httpHost):\(config.httpPort)"))
    let services = AppServices(config: config, database: database, clock: clock, logger: logger)
    return Application(
        router: buildRouter(services: services),
        // A slow client (headers sent a byte at a time, a connection left open) is closed after
        // the idle timeout, and at most httpMaxConnections are served at once, so no one can
        // hold every file descriptor; open event streams are answers in progress and stay.
        server: .http1(
            configuration: .init(idleTimeout: .nanoseconds(Int64(config.httpIdleTimeout.timeInterval * 1e9)))
        ),
        configuration: .init(
            address: .hostname(config.httpHost, port: config.httpPort),
            serverName: "crm-api",
            availableConnectionsDelegate: MaximumAvailableConnections(config.httpMaxConnections, logger: logger)
        ),
        services: [
            SystemdWatchdogService(logger: logger),
            HeartbeatService(heartbeat: heartbeat, interval: config.heartbeatInterval),
            services.eventPump,
            services.formulaJobs,
            services.viewIndexes,
        ],
        onServerRunning: { channel in
            SystemdNotifier.notify("READY=1")
            logger.info("ready", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}

/// The middleware chain and every route, each registered by its controller with its access rule.
func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(
        middleware: SecurityHeadersMiddleware(httpsOnly: services.config.publicURL?.hasPrefix("https://") == true)
    )
    if let origin = services.config.corsOrigin {
        router.add(
            middleware: CORSMiddleware(
                allowOrigin: .custom(origin),
                allowHeaders: [.accept, .authorization, .contentType, .origin],
                allowMethods: [.get, .post, .put, .patch, .delete, .options],
                allowCredentials: true,
                maxAge: .seconds(600)
            )
        )
    }
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: QueryStringMiddleware())
    router.add(middleware: ChangeNudgeMiddleware(pump: services.eventPump))
    router.add(middleware: AuthenticationMiddleware(services: services))
    router.add(middleware: RateLimitMiddleware(services: services))

    let routes = GuardedRouter(router: router, rules: services.rules)
    HealthController(database: services.database).addRoutes(to: routes)
    AuthController(services: services).addRoutes(to: routes)
    APITokenController(services: services).addRoutes(to: routes)
    InviteController(services: services).addRoutes(to: routes)
    UserAdminController(services: services).addRoutes(to: routes)
    SecurityStatusController(services: services).addRoutes(to: routes)
    AdminStatusController(services: services).addRoutes(to: routes)
    RecordsController(services: services).addRoutes(to: routes)
    FieldsController(services: services).addRoutes(to: routes)
    FormulasController(services: services).addRoutes(to: routes)
    RulesController().addRoutes(to: routes)
    ExportController(services: services).addRoutes(to: routes)
    EventsController(services: services).addRoutes(to: routes)
    ActivityController(services: services).addRoutes(to: routes)
    SettingsController(services: services).addRoutes(to: routes)
    FeatureRequestsController(services: services).addRoutes(to: routes)
    MailController(services: services).addRoutes(to: routes)
    EmailAccountsController(services: services).addRoutes(to: routes)
    EmailActivityController(services: services).addRoutes(to: routes)
    CommunicationsController(services: services).addRoutes(to: routes)
    RestoreController(services: services).addRoutes(to: routes)
    ImportController(services: services).addRoutes(to: routes)
    ViewsController(services: services).addRoutes(to: routes)
    BackupController(services: services).addRoutes(to: routes)
    OpenAPIController().addRoutes(to: routes)
    WebController().addRoutes(to: routes)
    TeamController(services: services).addRoutes(to: routes)
    GridStateController(services: services).addRoutes(to: routes)
    routes.answerOtherMethodsWithNotAllowed()
    return router
}

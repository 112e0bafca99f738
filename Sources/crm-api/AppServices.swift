import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging
import Shared

/// What the routes and middleware of crm-api share, built once per process.
struct AppServices: Sendable {
    let config: CRMConfig
    let database: AppDatabase
    let clock: AppClock
    let hasher: PasswordHasher
    let sessions: SessionStore
    let tokens: APITokenStore
    let loginThrottle: LoginThrottle
    let writeLimiter: WriteLimiter
    /// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
    let decoyPasswordHash: String
    let rules = RouteRules()
    /// Server-sent events: the hub clients subscribe to, and the service that feeds it.
    let events: EventHub
    let eventPump: EventPump
    /// How often an idle event stream gets a comment (so proxies keep it open) and its credential is
    /// checked again.
    var eventKeepAlive: Duration = .seconds(25)
    /// Recomputes changed formulas over large tables in the background.
    let formulaJobs: FormulaJobRunner
    /// Creates and drops the indexes saved views sort by.
    let viewIndexes: ViewIndexMaintainer
    /// Wakes the other daemons after committing work for them.
    let wake: WakeSender
    /// Totals of filtered lists per query and data version.
    let totals = TotalCache()
    /// Imports of large files answered 202 and polled.
    let importJobs = ImportJobs()
    /// Seals queued mail bodies that carry a secret; nil without CRM_SECRET_KEY (development).
    let mailSeal: MailSeal?
    /// Signs and checks the browsers that signed in before (sign-in locks spare them).
    let deviceCookies: DeviceCookie

    init(config: CRMConfig, database: AppDatabase, clock: AppClock = .system, logger: Logger = Logger(label: "crm-api"))
    {
        self.config = config
        self.database = database
        self.clock = clock
        self.hasher = PasswordHasher(cost: config.bcryptCost)
        self.sessions = SessionStore(database: database, clock: clock, secureCookies: config.isProduction)
        self.tokens = APITokenStore(database: database, clock: clock)
        self.loginThrottle = LoginThrottle()
        self.writeLimiter = WriteLimiter(ratePerSecond: config.writeRatePerSecond, burst: config.writeBurst)
        self.decoyPasswordHash = Bcrypt.hash(PasswordGenerator.generate(), cost: UInt8(config.bcryptCost))
        self.events = EventHub(database: database)
        self.wake = WakeSender(runDir: config.runDir)
        self.mailSeal = config.secretKey.map(MailSeal.init)
        self.deviceCookies = DeviceCookie(secretKey: config.secretKey)
        let formulaKicks = Kicks()
        self.eventPump = EventPump(hub: self.events, config: config, logger: logger, formulaKicks: formulaKicks)
        self.formulaJobs = FormulaJobRunner(
            jobs: FormulaJobs(database: database, now: clock.now),
            events: self.eventPump,
            logger: logger,
            kicks: formulaKicks
        )
        self.viewIndexes = ViewIndexMaintainer(database: database, logger: logger)
    }

    /// The client's IP for rate limits and session records.
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        ClientAddress.resolve(
            peer: context.peerAddress,
            forwardedFor: request.headers[.xForwardedFor],
            trustedProxies: self.config.trustedProxies
        )
    }

    /// The right-hand side of the Message-IDs of queued mail: the CRM's public host name.
    var messageIdDomain: String {
        self.config.publicURL.flatMap { URL(string: $0)?.host }.flatMap { $0.contains(".") ? $0 : nil }
            ?? "venture-crm.localhost"
    }

    /// The base URL links in mail and invites point at.
    var publicBaseURL: String {
        self.config.publicURL ?? "http://\(self.config.httpHost):\(self.config.httpPort)"
    }
}

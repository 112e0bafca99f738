import Foundation
import Logging

/// Everything a daemon reads from its environment (docs/ARCHITECTURE.md §5), parsed and validated once at
/// start-up. A bad value stops the daemon with a one-line `ConfigError` naming the variable.
public struct CRMConfig: Sendable {
    public enum Mode: String, CaseIterable, Sendable {
        case development
        case production
    }

    public enum LogFormat: String, CaseIterable, Sendable {
        case text
        case json
    }

    public var mode: Mode
    public var secretKey: Secret?
    /// Absolute path of the data directory (database, secrets, backups).
    public var dataDir: String
    /// Absolute path of the directory holding the daemons' wake-up sockets.
    public var runDir: String
    public var httpHost: String
    public var httpPort: Int
    /// A connection that sends nothing this long (a request's headers not finished, or no new
    /// request after a response) is closed (`CRM_HTTP_IDLE_TIMEOUT_S`, default 30).
    public var httpIdleTimeout: Duration
    /// Connections served at once; more wait in the listen backlog (`CRM_HTTP_MAX_CONNECTIONS`, default 512).
    public var httpMaxConnections: Int
    public var publicURL: String?
    public var corsOrigin: String?
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// How often each daemon writes its heartbeat row.
    public var heartbeatInterval: Duration
    /// How often each daemon looks for work without being woken.
    public var pollInterval: Duration
    /// Bcrypt cost for new password hashes; production never goes below 12.
    public var bcryptCost: Int
    /// Writes per second each client IP may sustain, and the burst it may make at once.
    public var writeRatePerSecond: Int
    public var writeBurst: Int
    /// The largest CSV file an import takes (`CRM_IMPORT_MAX_MB`, default 50).
    public var importMaxBytes: Int
    /// Uploads larger than this run as a job the client polls (`CRM_IMPORT_SYNC_MB`, default 10).
    public var importSyncBytes: Int
    /// Peers whose `X-Forwarded-For` names the real client (a reverse proxy).
    public var trustedProxies: TrustedProxies
    /// `GOOGLE_SERVICE_ACCOUNT_FILE`: where the Gmail service account key is saved.
    public var googleKeyFile: String
    /// `CRM_GMAIL_SYNC_INTERVAL_S`: time between syncs of one mailbox.
    public var gmailSyncInterval: Duration
    /// Things worth one warning line at start-up (not errors).
    public var warnings: [String]

    public var isProduction: Bool { self.mode == .production }
    public var databasePath: String { self.dataDir + "/crm.sqlite" }

    /// The wake-up socket of a daemon.
    public func socketPath(for daemon: DaemonName) -> String { self.runDir + "/" + daemon.rawValue + ".sock" }

    /// Longest path a Unix socket address holds on Linux, less the terminating NUL.
    static let maximumSocketPathBytes = 107

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let env = EnvironmentReader(values: environment)
        self.mode = try env.choice("CRM_ENV", default: Mode.development)
        self.warnings = []

        self.dataDir = try Self.dataDir(env)
        if let key = env.string("CRM_SECRET_KEY") {
            self.secretKey = Secret(key)
        } else {
            self.secretKey = try Self.secretKeyFile(dataDir: self.dataDir)
        }
        if let key = self.secretKey, key.byteCount < 32 {
            throw ConfigError(
                "CRM_SECRET_KEY",
                "must be at least 32 bytes long (generate one with: openssl rand -hex 32)"
            )
        }
        if self.secretKey == nil {
            if self.mode == .production {
                throw ConfigError(
                    "CRM_SECRET_KEY",
                    "must be set when CRM_ENV=production (generate one with: openssl rand -hex 32)"
                )
            }
            self.warnings.append("CRM_SECRET_KEY is not set: fine for development, required in production")
        }

        self.runDir = try env.path("CRM_RUN_DIR", default: self.dataDir + "/run")
        let longestSocket = self.runDir + "/" + DaemonName.scheduler.rawValue + ".sock"
        if longestSocket.utf8.count > Self.maximumSocketPathBytes {
            throw ConfigError(
                "CRM_RUN_DIR",
                "is too long for Unix sockets (at most \(Self.maximumSocketPathBytes - 19) bytes)"
            )
        }

        self.httpHost = env.string("CRM_HTTP_HOST") ?? "127.0.0.1"
        if self.httpHost.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw ConfigError("CRM_HTTP_HOST", "must be a host name or IP address, got \"\(self.httpHost)\"")
        }
        self.httpPort = try env.integer("CRM_HTTP_PORT", default: 8080, in: 1...65535)
        self.httpIdleTimeout = try env.seconds("CRM_HTTP_IDLE_TIMEOUT_S", default: 30, in: 0.5...3600)
        self.httpMaxConnections = try env.integer("CRM_HTTP_MAX_CONNECTIONS", default: 512, in: 8...65_536)
        self.publicURL = try env.httpURL("CRM_PUBLIC_URL")
        self.corsOrigin = try env.httpURL("CRM_CORS_ORIGIN")

        self.logLevel = try env.choice("LOG_LEVEL", default: Logger.Level.info)
        self.logFormat = try env.choice("LOG_FORMAT", default: LogFormat.text)
        self.heartbeatInterval = try env.seconds("CRM_HEARTBEAT_INTERVAL_S", default: 15, in: 0.1...300)
        self.pollInterval = try env.seconds("CRM_POLL_INTERVAL_S", default: 30, in: 0.1...3600)

        self.writeRatePerSecond = try env.integer("CRM_WRITE_RATE_PER_S", default: 100, in: 1...100_000)
        self.writeBurst = try env.integer("CRM_WRITE_BURST", default: 500, in: 1...1_000_000)
        self.importMaxBytes = try env.integer("CRM_IMPORT_MAX_MB", default: 50, in: 1...2048) * 1024 * 1024
        self.importSyncBytes = try env.integer("CRM_IMPORT_SYNC_MB", default: 10, in: 0...2048) * 1024 * 1024
        switch TrustedProxies.parse(
            env.string("CRM_TRUSTED_PROXIES") ?? "",
            routes: { try? String(contentsOfFile: "/proc/net/route", encoding: .utf8) }
        ) {
        case .success(let proxies): self.trustedProxies = proxies
        case .failure(let problem): throw ConfigError("CRM_TRUSTED_PROXIES", problem.message)
        }

        self.googleKeyFile = try Self.googleKeyFile(env, dataDir: self.dataDir)
        self.gmailSyncInterval = try env.seconds("CRM_GMAIL_SYNC_INTERVAL_S", default: 900, in: 1...86_400)

        self.bcryptCost = try env.integer("CRM_BCRYPT_COST", default: 12, in: 4...16)
        if self.mode == .production && self.bcryptCost < 12 {
            throw ConfigError("CRM_BCRYPT_COST", "must be at least 12 when CRM_ENV=production")
        }
    }

    /// `CRM_DATA_DIR`, default `./.data` in development and `/data` in production; commands that
    /// must work before the rest of the configuration does (a key saved on a fresh box) read it alone.
    public static func dataDir(_ env: EnvironmentReader) throws(ConfigError) -> String {
        let mode = try env.choice("CRM_ENV", default: Mode.development)
        return try env.path("CRM_DATA_DIR", default: mode == .production ? "/data" : "./.data")
    }

    /// `GOOGLE_SERVICE_ACCOUNT_FILE`, default `$CRM_DATA_DIR/secrets/google/service-account.json`.
    public static func googleKeyFile(_ env: EnvironmentReader, dataDir: String) throws(ConfigError) -> String {
        try env.path("GOOGLE_SERVICE_ACCOUNT_FILE", default: dataDir + "/secrets/google/service-account.json")
    }

    /// The key the entrypoint keeps in `$CRM_DATA_DIR/secrets/secret_key` (0600), so commands run
    /// beside the daemons (StartOS actions, an operator's shell) find it without an environment.
    static func secretKeyFile(dataDir: String) throws(ConfigError) -> Secret? {
        let path = dataDir + "/secrets/secret_key"
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & 0o077 == 0 else {
            throw ConfigError("CRM_SECRET_KEY", "is read from \(path), which other users can read: chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError("CRM_SECRET_KEY", "cannot be read from \(path)")
        }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return key.isEmpty ? nil : Secret(key)
    }
}

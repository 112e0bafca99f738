import Shared

/// Where the service account key is and which Google addresses the CRM talks to; the token and
/// Gmail addresses are overridable so tests point them at a local fake.
public struct GoogleConfig: Sendable {
    /// `GOOGLE_SERVICE_ACCOUNT_FILE`, default `$CRM_DATA_DIR/secrets/google/service-account.json`.
    public var keyFile: String
    /// `GOOGLE_TOKEN_URL`: replaces the key's `token_uri` when set.
    public var tokenURL: String?
    /// `GMAIL_API_BASE`, default `https://gmail.googleapis.com`.
    public var gmailBase: String
    /// How requests are retried; `GMAIL_BACKOFF_BASE_S` (default 1) scales every wait, for tests.
    public var backoff: Backoff

    public init(environment: [String: String]) throws(ConfigError) {
        let env = EnvironmentReader(values: environment)
        self.keyFile = try CRMConfig.googleKeyFile(env, dataDir: CRMConfig.dataDir(env))
        self.tokenURL = try env.httpURL("GOOGLE_TOKEN_URL")
        self.gmailBase = try env.httpURL("GMAIL_API_BASE") ?? "https://gmail.googleapis.com"
        let base = try env.seconds("GMAIL_BACKOFF_BASE_S", default: 1, in: 0.001...60)
        self.backoff = Backoff(base: base.timeInterval)
    }
}

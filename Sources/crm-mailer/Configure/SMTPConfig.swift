import Shared

/// The outbound SMTP account, from `SMTP_*` (which `docker_entrypoint.sh` fills from the secrets
/// files). Only crm-mailer reads it.
struct SMTPConfig: Sendable, Equatable {
    enum Security: String, CaseIterable, Sendable {
        case starttls
        case tls
        case none
    }

    var host: String
    var port: Int
    var from: String
    var username: String?
    var password: Secret?
    var security: Security
    /// A PEM bundle of the CAs to trust instead of the system's (`SMTP_CA_FILE`, for private CAs).
    var caFile: String?
    var connectTimeout: Duration = .seconds(10)
    /// The longest one whole SMTP exchange may take.
    var timeout: Duration = .seconds(60)

    /// The account, or nil when `SMTP_HOST` is unset (mail not configured).
    static func load(environment: [String: String]) throws(ConfigError) -> SMTPConfig? {
        let env = EnvironmentReader(values: environment)
        guard let host = env.string("SMTP_HOST") else { return nil }
        if host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) {
            throw ConfigError("SMTP_HOST", "must be a host name or IP address")
        }
        let security = try env.choice("SMTP_SECURITY", default: Security.starttls)
        let defaultPort =
            switch security {
            case .starttls: 587
            case .tls: 465
            case .none: 25
            }
        let port = try env.integer("SMTP_PORT", default: defaultPort, in: 1...65535)
        guard let from = env.string("SMTP_FROM") else {
            throw ConfigError("SMTP_FROM", "must be set when SMTP_HOST is (the sender address of the CRM's mail)")
        }
        guard from.contains("@"), !from.contains(where: \.isNewline) else {
            throw ConfigError("SMTP_FROM", "must be an email address, optionally with a name: CRM <crm@example.com>")
        }
        let username = env.string("SMTP_USER")
        let password = environment["SMTP_PASS"].flatMap { $0.isEmpty ? nil : Secret($0) }
        if password != nil && username == nil {
            throw ConfigError("SMTP_USER", "must be set when SMTP_PASS is")
        }
        var config = SMTPConfig(
            host: host,
            port: port,
            from: from,
            username: username,
            password: password,
            security: security
        )
        if env.string("SMTP_CA_FILE") != nil { config.caFile = try env.path("SMTP_CA_FILE", default: "") }
        config.connectTimeout = try env.seconds("SMTP_CONNECT_TIMEOUT_S", default: 10, in: 0.1...300)
        config.timeout = try env.seconds("SMTP_TIMEOUT_S", default: 60, in: 0.1...3600)
        return config
    }
}

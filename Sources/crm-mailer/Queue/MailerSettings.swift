import Foundation
import Shared

/// How the mailer retries and leases, from `CRM_MAIL_*` (defaults suit production).
struct MailerSettings: Sendable {
    /// Attempts before a mail the server keeps deferring is given up (`dead`).
    var maxAttempts = 8
    /// The first retry waits about this long; each later one twice as long, up to `retryCap`.
    var retryBase: Duration = .seconds(30)
    var retryCap: Duration = .seconds(3600)
    /// A claimed mail whose mailer died is sent again after this long.
    var lease: Duration = .seconds(300)

    static func load(environment: [String: String]) throws(ConfigError) -> MailerSettings {
        let env = EnvironmentReader(values: environment)
        var settings = MailerSettings()
        settings.maxAttempts = try env.integer("CRM_MAIL_MAX_ATTEMPTS", default: 8, in: 1...50)
        settings.retryBase = try env.seconds("CRM_MAIL_RETRY_BASE_S", default: 30, in: 0.05...3600)
        settings.retryCap = try env.seconds("CRM_MAIL_RETRY_CAP_S", default: 3600, in: 0.05...86400)
        settings.lease = try env.seconds("CRM_MAIL_LEASE_S", default: 300, in: 1...3600)
        return settings
    }

    /// The wait before attempt `attempts + 1`: exponential, capped, with ±25 % jitter so a
    /// burst of deferred mail does not return all at once.
    func retryDelay(afterAttempt attempts: Int) -> TimeInterval {
        let base = self.retryBase.timeInterval * pow(2, Double(max(0, attempts - 1)))
        return min(self.retryCap.timeInterval, base) * Double.random(in: 0.75...1.25)
    }

    /// The lease, never shorter than one whole SMTP exchange may take (else a slow send could
    /// be taken up by a second mailer while the first is still talking): connecting, the
    /// exchange, and the QUIT that may wait one more reply timeout.
    func effectiveLease(smtp: SMTPConfig?) -> TimeInterval {
        let exchange =
            smtp.map {
                $0.connectTimeout.timeInterval + $0.timeout.timeInterval + Double(SMTPClient.responseTimeoutSeconds($0))
                    + 1
            } ?? 0
        return max(self.lease.timeInterval, exchange)
    }
}

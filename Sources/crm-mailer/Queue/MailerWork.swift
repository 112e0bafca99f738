import Foundation
import Logging
import Shared

/// crm-mailer's work: on start, every poll and every `outbound` wake-up, drain the queue; when
/// mail waits for a retry, wake itself when it falls due.
enum MailerWork {
    static func build(
        _ database: AppDatabase,
        _ heartbeat: Heartbeat,
        _ environment: DaemonEnvironment
    ) async throws
        -> WorkerDaemon.Work
    {
        let logger = environment.logger
        let settings = try MailerSettings.load(environment: ProcessInfo.processInfo.environment)
        let smtp = await Self.loadSMTP(heartbeat: heartbeat, logger: logger)
        let drainer = MailDrainer(
            database: database,
            smtp: smtp,
            settings: settings,
            seal: environment.config.secretKey.map(MailSeal.init),
            heartbeat: heartbeat,
            logger: logger,
            now: { Date() }
        )
        let timer = RetryTimer()
        let sender = WakeSender(runDir: environment.config.runDir)
        return { wake in
            if case .message(let message) = wake, message != .outbound { return }
            if let due = await drainer.drain() {
                // Never sooner than shortly from now, so a row that cannot be claimed
                // (a database error) cannot spin the loop.
                let now = Date()
                await timer.schedule(at: max(due, now.addingTimeInterval(0.2)), now: now) {
                    sender.send(.outbound, to: .mailer)
                }
            }
        }
    }

    /// The SMTP account, or nil (mail waits in the queue) when unset or invalid: a bad SMTP
    /// setting must not take the whole CRM down.
    static func loadSMTP(heartbeat: Heartbeat, logger: Logger) async -> SMTPConfig? {
        await heartbeat.set("curl_version", .string(Curl.version))
        let environment: [String: String]
        do {
            environment = try SMTPSettingsFiles.environmentWithCredentials(ProcessInfo.processInfo.environment)
        } catch {
            await heartbeat.set("smtp_configured", false)
            await heartbeat.set("smtp_error", .string("\(error)"))
            logger.error("SMTP credentials cannot be read", metadata: ["error": "\(error)"])
            return nil
        }
        do throws(ConfigError) {
            let smtp = try SMTPConfig.load(environment: environment)
            await heartbeat.set("smtp_configured", .bool(smtp != nil))
            if smtp == nil { logger.notice("SMTP is not configured: queued mail waits until it is") }
            if let smtp, smtp.security == .none, smtp.username != nil {
                logger.warning("SMTP_SECURITY=none sends the SMTP password unencrypted")
            }
            return smtp
        } catch {
            await heartbeat.set("smtp_configured", false)
            await heartbeat.set("smtp_error", .string(error.description))
            logger.error("SMTP configuration is invalid", metadata: ["smtp.variable": "\(error.variable)"])
            return nil
        }
    }
}

import ArgumentParser
import Logging
import Foundation
import Shared

/// crm-mailer: drains the outbound mail queue over SMTP. The only process that holds SMTP
/// credentials (`SMTP_*`, passed to it alone by the entrypoint or systemd).
@main
struct CRMMailer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-mailer",
        abstract: "Venture CRM mailer: delivers queued mail over SMTP.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the mailer until SIGTERM (the default).")

        func run() async throws {
            try await WorkerDaemon.main(.mailer) { _, heartbeat, environment in
                let logger = environment.logger
                await heartbeat.set("curl_version", .string(Curl.version))
                do throws(ConfigError) {
                    let smtp = try SMTPConfig.load(environment: ProcessInfo.processInfo.environment)
                    await heartbeat.set("smtp_configured", .bool(smtp != nil))
                    if smtp == nil { logger.notice("SMTP is not configured: queued mail waits until it is") }
                } catch {
                    // A bad SMTP setting must not take the whole CRM down: report it and keep running.
                    await heartbeat.set("smtp_configured", false)
                    await heartbeat.set("smtp_error", .string(error.description))
                    logger.error("SMTP configuration is invalid", metadata: ["smtp.variable": "\(error.variable)"])
                }
                return { wake in logger.debug("woke", metadata: ["wake": "\(wake)"]) }
            }
        }
    }
}

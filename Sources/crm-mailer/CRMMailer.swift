import ArgumentParser
import Foundation
import Logging
import Shared

/// crm-mailer: drains the outbound mail queue over SMTP. The only process that holds SMTP
/// credentials (`SMTP_*`, passed to it alone by the entrypoint or systemd).
@main
struct CRMMailer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-mailer",
        abstract: "Venture CRM mailer: delivers queued mail over SMTP.",
        subcommands: [Serve.self, ConfigureSMTP.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the mailer until SIGTERM (the default).")

        func run() async throws {
            Curl.initialize()
            try await WorkerDaemon.main(.mailer, configure: MailerWork.build)
        }
    }
}

import ArgumentParser
import Logging
import Shared

/// crm-backup: scheduled and on-demand online backups, verification, retention and restore.
@main
struct CRMBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-backup",
        abstract: "Venture CRM backups: scheduled and on-demand backups, verify, restore.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the backup daemon until SIGTERM (the default).")

        func run() async throws {
            try await WorkerDaemon.main(.backup) { _, _, environment in
                let logger = environment.logger
                return { wake in logger.debug("woke", metadata: ["wake": "\(wake)"]) }
            }
        }
    }
}

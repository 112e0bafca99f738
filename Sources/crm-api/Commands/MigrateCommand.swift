import ArgumentParser
import Logging
import Shared

/// `crm-api migrate`: apply pending migrations and exit.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations."
    )

    func run() async throws {
        do {
            let environment = try DaemonEnvironment.load(.api)
            let database = try environment.openDatabase()
            try database.migrate()
            let status = try await database.schemaStatus()
            guard status.isCurrent else { throw StartupFailure(.schema, status.explanation) }
            environment.logger.info(
                "migrations applied",
                metadata: ["db.migrations": "\(Migrations.identifiers.count)"]
            )
        } catch {
            throw StartupFailure.exit(error, command: "crm-api migrate")
        }
    }
}

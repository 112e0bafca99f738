import ArgumentParser
import Hummingbird
import Shared

/// `crm-api serve`: migrate, then serve HTTP until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Migrate the database and serve HTTP until SIGTERM (the default)."
    )

    func run() async throws {
        do {
            let environment = try DaemonEnvironment.load(.api)
            let database = try environment.openDatabase()
            try database.migrate()
            MultipartUpload.removeLeftovers(in: environment.config.dataDir + "/tmp")
            let app = try await buildApplication(environment: environment, database: database)
            try await app.runService()
        } catch {
            throw StartupFailure.exit(error, command: DaemonName.api.rawValue)
        }
    }
}

import Foundation
import Logging

/// What every daemon and command sets up first: configuration, logging, the database.
public struct DaemonEnvironment: Sendable {
    public let daemon: DaemonName
    public let config: CRMConfig
    public let logger: Logger

    /// Reads the configuration and bootstraps logging (once per process).
    public static func load(
        _ daemon: DaemonName,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DaemonEnvironment {
        let config = try CRMConfig(environment: environment)
        LoggingBootstrap.bootstrap(level: config.logLevel, format: config.logFormat)
        var logger = Logger(label: daemon.rawValue)
        logger.logLevel = config.logLevel
        for warning in config.warnings { logger.warning("\(warning)") }
        return DaemonEnvironment(daemon: daemon, config: config, logger: logger)
    }

    /// Creates the data and run directories (owner-only) and opens the database.
    public func openDatabase() throws -> AppDatabase {
        do {
            for directory in [self.config.dataDir, self.config.runDir] {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            }
            return try AppDatabase.open(path: self.config.databasePath)
        } catch {
            throw StartupFailure(
                .cannotOpen,
                "cannot open the database in CRM_DATA_DIR (\(self.config.dataDir)): \(error)"
            )
        }
    }

    /// Opens the database and refuses to go on unless its schema is exactly this binary's.
    public func openCurrentDatabase() async throws -> AppDatabase {
        let database = try self.openDatabase()
        let status = try await database.schemaStatus()
        guard status.isCurrent else { throw StartupFailure(.schema, "refusing to start: \(status.explanation)") }
        return database
    }
}

import ArgumentParser
import Foundation
import GRDB
import Logging
import Shared

/// crm-backup: scheduled and on-demand backups, verification, retention and restore.
@main
struct CRMBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-backup",
        abstract: "Venture CRM backups: scheduled and on-demand backups, verify, restore.",
        subcommands: [Serve.self, Verify.self, Take.self, Restore.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the backup daemon until SIGTERM (the default).")

        func run() async throws {
            try await WorkerDaemon.main(.backup, configure: BackupWork.build)
        }
    }

    /// `crm-backup verify ID` or `crm-backup verify --all`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify catalogued backups and record the result.")

        @Argument(help: "The backup's id.") var id: Int64?
        @Flag(help: "Verify every catalogued backup.") var all = false

        func run() async throws {
            do {
                let environment = try DaemonEnvironment.load(.backup)
                let database = try await environment.openCurrentDatabase()
                let directory = try BackupFiles.directory(dataDir: environment.config.dataDir)
                let ids: [Int64] =
                    if self.all {
                        try await database.pool.read { db in
                            try Int64.fetchAll(db, sql: "SELECT id FROM backups WHERE deleted_at IS NULL ORDER BY id")
                        }
                    } else if let id = self.id { [id] } else {
                        throw StartupFailure(.input, "name a backup id, or --all")
                    }
                var failed = false
                for id in ids {
                    guard
                        let (backup, checks) = try await BackupVerifier.verify(
                            backupId: id,
                            database: database,
                            directory: directory,
                            now: Date()
                        )
                    else { throw StartupFailure(.input, "there is no backup \(id)") }
                    let ok = checks.allSatisfy(\.ok)
                    failed = failed || !ok
                    print(
                        "\(backup.id) \(backup.fileName): \(ok ? "ok" : "FAILED") — "
                            + checks.filter { !$0.ok }.map(\.message).joined(separator: " ")
                    )
                }
                if failed { throw ExitCode(1) }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw StartupFailure.exit(error, command: "crm-backup verify")
            }
        }
    }
}

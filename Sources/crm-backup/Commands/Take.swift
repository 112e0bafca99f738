import ArgumentParser
import Foundation
import GRDB
import Shared

extension CRMBackup {
    /// `crm-backup take`: one manual backup now, verified, in this process; prints its id.
    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take and verify one backup now; print its id.")

        func run() async throws {
            do {
                let (_, database, runner) = try await CRMBackup.localRunner()
                let jobId = try await database.pool.write { db in try BackupJob.enqueue(.manual, by: nil, at: Date(), db) }
                await runner.drain()
                let job = try await database.pool.read { db in
                    try BackupJob.fetchOne(db, sql: "SELECT * FROM backup_jobs WHERE id = ?", arguments: [jobId])
                }
                guard let job, job.status == .succeeded, let backupId = job.backupId else {
                    throw StartupFailure(.failure, job?.error ?? "the backup did not finish (another crm-backup may have it)")
                }
                print(backupId)
            } catch {
                throw StartupFailure.exit(error, command: "crm-backup take")
            }
        }
    }

    /// The environment, database and a job runner for a one-off command.
    static func localRunner() async throws -> (DaemonEnvironment, AppDatabase, BackupJobRunner) {
        let environment = try DaemonEnvironment.load(.backup)
        let database = try await environment.openCurrentDatabase()
        let runner = BackupJobRunner(
            database: database, dataDir: environment.config.dataDir, logger: environment.logger, now: { Date() },
            wake: WakeSender(runDir: environment.config.runDir))
        return (environment, database, runner)
    }
}

import Foundation
import GRDB
import Logging
import Shared

/// A restore job: verify the chosen backup, take and verify a safety backup of the live data,
/// copy the backup's data in (see `BackupRestore` for what is and is not restored), then tell
/// every daemon to reload. Any failure before the copy changes nothing; the copy is one transaction.
extension BackupJobRunner {
    struct RestoreFailure: Error {
        let message: String
    }

    func restore(_ job: BackupJob) async {
        let directory: String
        do {
            directory = try BackupFiles.directory(dataDir: self.dataDir)
        } catch {
            await self.finish(job, error: "The backups folder cannot be opened.")
            return
        }
        let scratch = directory + "/.restore-\(job.id).sqlite"
        defer { BackupFiles.removeDatabaseFile(scratch) }
        do {
            let counts = try await self.restoreSteps(job, directory: directory, scratch: scratch)
            await self.finish(job, error: nil)
            self.logger.notice(
                "database restored",
                metadata: ["job.id": "\(job.id)", "backup.id": "\(job.restoreFrom ?? 0)", "rows": "\(counts)"]
            )
            for daemon in DaemonName.allCases where daemon != .backup {
                self.wake?.send(.reload, to: daemon)
            }
            try? await self.prune()
        } catch let failure as RestoreFailure {
            self.logger.error("restore refused", metadata: ["job.id": "\(job.id)", "reason": "\(failure.message)"])
            await self.finish(job, error: failure.message)
        } catch let failure as BackupRestore.Failure {
            await self.finish(job, error: failure.description + " Nothing was restored.")
        } catch {
            self.logger.error(
                "restore failed",
                metadata: Logger.Metadata.error(error).merging(["job.id": "\(job.id)"]) { $1 }
            )
            await self.finish(job, error: "The restore failed (\(type(of: error))); nothing was restored.")
        }
    }

    private func restoreSteps(_ job: BackupJob, directory: String, scratch: String) async throws -> [String: Int] {
        guard let sourceId = job.restoreFrom, let source = try await self.verify(sourceId) else {
            throw RestoreFailure(message: "The backup to restore from is no longer there.")
        }
        guard source.verifyOk == true else {
            throw RestoreFailure(message: "The backup failed verification and was not restored.")
        }
        await self.progress(job, 0.2)

        try BackupRestore.prepareCopy(of: directory + "/" + source.fileName, at: scratch)
        await self.progress(job, 0.4)

        let safety = try await self.takeBackup(kind: .safety, jobId: job.id)
        guard try await self.verify(safety.id)?.verifyOk == true else {
            throw RestoreFailure(
                message: "The safety backup of the current data could not be verified; nothing was restored."
            )
        }
        await self.progress(job, 0.7)

        return try await BackupRestore.copy(
            fromPreparedCopy: scratch,
            into: self.database,
            by: job.requestedBy,
            now: self.now()
        )
    }

    private func progress(_ job: BackupJob, _ value: Double) async {
        try? await self.database.pool.write { db in
            try db.execute(
                sql: "UPDATE backup_jobs SET progress = ?, updated_at = ? WHERE id = ?",
                arguments: [value, self.now(), job.id]
            )
        }
    }

    private func finish(_ job: BackupJob, error: String?) async {
        try? await self.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE backup_jobs SET status = ?, error = ?, progress = CASE WHEN ? THEN 1 ELSE progress END,
                        finished_at = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [error == nil ? "succeeded" : "failed", error, error == nil, self.now(), self.now(), job.id]
            )
        }
    }
}

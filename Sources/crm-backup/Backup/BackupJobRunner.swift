import Foundation
import GRDB
import Logging
import Shared

/// Runs backup jobs one at a time: an online copy of the live database (SQLite's backup API, a
/// consistent snapshot while the other daemons keep writing) to a `.partial` file, fsynced and
/// renamed, then catalogued with its size, SHA-256, schema and row counts, verified, and pruned
/// by the policy. A crash before the catalogue row leaves no file the catalogue calls a backup.
struct BackupJobRunner: Sendable {
    /// A running job whose process died is taken up again after this long.
    static let lease: TimeInterval = 15 * 60

    let database: AppDatabase
    let dataDir: String
    let logger: Logger
    let now: @Sendable () -> Date
    /// Tells the other daemons to reload after a restore; nil in tests.
    var wake: WakeSender? = nil

    /// Queues today's scheduled backup once its time has come (also after the box was off).
    func scheduleIfDue() async throws {
        let now = self.now()
        try await self.database.pool.write { db in
            let policy = try BackupPolicy.current(db)
            guard policy.enabled, let slot = BackupSchedule.dueSlot(policy: policy, now: now) else { return }
            try db.execute(
                sql: """
                    INSERT INTO backup_jobs (kind, scheduled_for, created_at, updated_at) VALUES ('scheduled', ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [slot, now, now]
            )
        }
    }

    /// Runs every queued job (and any whose runner died), oldest first.
    func drain() async {
        while let job = await self.claim() {
            if job.kind == .restore {
                await self.restore(job)
                continue
            }
            do {
                let backup = try await self.takeBackup(kind: job.kind, jobId: job.id)
                self.logger.info(
                    "backup taken",
                    metadata: ["backup.id": "\(backup.id)", "backup.bytes": "\(backup.sizeBytes)"]
                )
                let verified = try await self.verify(backup.id)?.verifyOk == true
                if !verified {
                    self.logger.error("backup failed verification", metadata: ["backup.id": "\(backup.id)"])
                }
                // The job ends only once its backup is verified: "succeeded" means it would restore.
                try await self.database.pool.write { db in
                    try db.execute(
                        sql: """
                            UPDATE backup_jobs SET status = ?, error = ?, progress = 1, finished_at = ?, updated_at = ?
                            WHERE id = ?
                            """,
                        arguments: [
                            verified ? "succeeded" : "failed", verified ? nil : "The backup failed verification.",
                            self.now(),
                            self.now(), job.id,
                        ]
                    )
                }
                try await self.prune()
            } catch {
                self.logger.error(
                    "backup failed",
                    metadata: Logger.Metadata.error(error).merging(["job.id": "\(job.id)"]) { $1 }
                )
                try? await self.database.pool.write { db in
                    try db.execute(
                        sql:
                            "UPDATE backup_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ?",
                        arguments: [
                            "The backup could not be written (\(type(of: error))).", self.now(), self.now(), job.id,
                        ]
                    )
                }
            }
        }
    }

    func claim() async -> BackupJob? {
        let now = self.now()
        return try? await self.database.pool.write { db in
            try BackupJob.fetchOne(
                db,
                sql: """
                    UPDATE backup_jobs SET status = 'running', started_at = ?, lease_expires_at = ?, updated_at = ?, progress = 0
                    WHERE id = (SELECT id FROM backup_jobs
                                WHERE status = 'queued' OR (status = 'running' AND lease_expires_at < ?)
                                ORDER BY id LIMIT 1)
                    RETURNING *
                    """,
                arguments: [now, now.addingTimeInterval(Self.lease), now, now]
            )
        }
    }

    /// Verifies a live backup now and records the result; nil when there is no such backup.
    func verify(_ backupId: Int64) async throws -> BackupRecord? {
        try await BackupVerifier.verify(
            backupId: backupId,
            database: self.database,
            directory: try BackupFiles.directory(dataDir: self.dataDir),
            now: self.now()
        )?.0
    }

    /// Queues one job and runs the queue in this process (the one-off commands); the job as it ended.
    func runNow(_ kind: BackupJob.Kind, restoreFrom: Int64? = nil) async throws -> BackupJob? {
        let now = self.now()
        let id = try await self.database.pool.write { db in
            try BackupJob.enqueue(kind, restoreFrom: restoreFrom, by: nil, at: now, db)
        }
        await self.drain()
        return try await self.database.pool.read { db in try BackupJob.fetchOne(db, key: id) }
    }

    /// Takes one backup of `kind` for job `jobId` and catalogues it (not yet verified).
    func takeBackup(kind: BackupJob.Kind, jobId: Int64) async throws -> BackupRecord {
        let directory = try BackupFiles.directory(dataDir: self.dataDir)
        let started = self.now()
        var name = BackupFiles.fileName(at: started, kind: kind)
        var suffix = 2
        while FileManager.default.fileExists(atPath: directory + "/" + name) {
            name = BackupFiles.fileName(at: started, kind: kind).replacingOccurrences(
                of: ".sqlite",
                with: "-\(suffix).sqlite"
            )
            suffix += 1
        }
        let final = directory + "/" + name
        let partial = final + ".partial"
        BackupFiles.removeDatabaseFile(partial)

        let copy = try DatabaseQueue(path: partial)
        try self.database.pool.backup(to: copy)
        // A plain rollback-journal file: it opens read-only and its bytes never change by themselves.
        let rowCounts = try await copy.writeWithoutTransaction { db -> [String: Int] in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            var counts: [String: Int] = [:]
            for table in RecordTable.allCases {
                counts[table.rawValue] = try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM \(table.sqlTable) WHERE deleted_at IS NULL"
                )
            }
            counts["users"] = try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE deleted_at IS NULL")
            return counts
        }
        try copy.close()
        chmod(partial, 0o600)
        try BackupFiles.fsync(path: partial)
        guard rename(partial, final) == 0 else { throw CocoaError(.fileWriteUnknown) }
        try BackupFiles.fsync(path: directory)

        let fileName = name
        let size = (try FileManager.default.attributesOfItem(atPath: final)[.size] as? NSNumber)?.int64Value ?? 0
        let digest = try BackupFiles.sha256(path: final)
        let counts = String(decoding: try JSONEncoder().encode(rowCounts), as: UTF8.self)
        let now = self.now()
        return try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO backups (file_name, kind, size_bytes, sha256, schema_version, row_counts, job_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [fileName, kind, size, digest, Migrations.identifiers.last!, counts, jobId, started, now]
            )
            let id = db.lastInsertedRowID
            let column = kind == .safety ? "safety_backup_id" : "backup_id"
            try db.execute(
                sql: "UPDATE backup_jobs SET \(column) = ?, progress = 0.9, updated_at = ? WHERE id = ?",
                arguments: [id, now, jobId]
            )
            // reads deleted rows: the entry this job just catalogued
            return try BackupRecord.fetchOne(db, sql: "SELECT * FROM backups WHERE id = ?", arguments: [id])!
        }
    }

    /// Removes the backups the policy no longer keeps (never the newest verified one).
    func prune() async throws {
        let now = self.now()
        let directory = try BackupFiles.directory(dataDir: self.dataDir)
        let pruned = try await self.database.pool.write { db -> [BackupRecord] in
            let policy = try BackupPolicy.current(db)
            let live = try BackupRecord.fetchAll(db, sql: "SELECT * FROM backups WHERE deleted_at IS NULL")
            let keep = BackupRetention.keep(
                live.map { .init(id: $0.id, createdAt: $0.createdAt, verifiedOk: $0.verifyOk == true) },
                policy: policy,
                now: now
            )
            let doomed = live.filter { !keep.contains($0.id) }
            for backup in doomed {
                try db.execute(
                    sql: "UPDATE backups SET deleted_at = ?, updated_at = ? WHERE id = ?",
                    arguments: [now, now, backup.id]
                )
            }
            return doomed
        }
        for backup in pruned {
            try? FileManager.default.removeItem(atPath: directory + "/" + backup.fileName)
            self.logger.info(
                "backup pruned",
                metadata: ["backup.id": "\(backup.id)", "backup.file": "\(backup.fileName)"]
            )
        }
    }
}

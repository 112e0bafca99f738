import Foundation
import GRDB

/// A catalogued backup file under `$CRM_DATA_DIR/backups/`. Clients name it by id only.
public struct BackupRecord: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public var id: Int64
    public var fileName: String
    public var kind: BackupJob.Kind
    public var sizeBytes: Int64
    public var sha256: String
    public var schemaVersion: String
    public var rowCounts: String
    public var jobId: Int64?
    public var verifiedAt: Date?
    public var verifyOk: Bool?
    public var verifyChecks: String?
    public var createdAt: Date
    public var deletedAt: Date?

    public static let databaseTableName = "backups"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// A backup to take: queued by the API or the schedule, run by crm-backup one at a time.
public struct BackupJob: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case manual, scheduled, safety
        /// Copies a catalogued backup's data back into the live database (a safety backup first).
        case restore
    }

    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case queued, running, succeeded, failed
    }

    public var id: Int64
    public var kind: Kind
    public var status: Status
    public var scheduledFor: String?
    public var requestedBy: Int64?
    public var backupId: Int64?
    /// For a restore: the backup restored from, and the safety backup taken just before.
    public var restoreFrom: Int64?
    public var safetyBackupId: Int64?
    public var progress: Double
    public var error: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public static let databaseTableName = "backup_jobs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// Queues a job inside the caller's transaction; returns its id.
    public static func enqueue(
        _ kind: Kind, scheduledFor: String? = nil, restoreFrom: Int64? = nil, by userId: Int64?, at now: Date, _ db: Database
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO backup_jobs (kind, scheduled_for, restore_from, requested_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [kind, scheduledFor, restoreFrom, userId, now, now])
        return db.lastInsertedRowID
    }
}

/// When the nightly backup runs and which backups are kept.
public struct BackupPolicy: Codable, Sendable, Equatable, FetchableRecord {
    public var enabled: Bool
    /// "HH:MM" in `timeZone`.
    public var timeOfDay: String
    public var timeZone: String
    public var keepLast: Int
    public var keepDailyDays: Int
    public var keepWeeklyWeeks: Int

    public static let databaseTableName = "backup_policy"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public static func current(_ db: Database) throws -> BackupPolicy {
        try BackupPolicy.fetchOne(db, sql: "SELECT * FROM backup_policy WHERE id = 1")!
    }
}

extension BackupJob.Kind: CaseIterable {}

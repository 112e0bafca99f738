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

    /// The live catalogue, newest first.
    public static func catalogue(_ db: Database) throws -> [BackupRecord] {
        try BackupRecord.all().live().order(Column("created_at").desc, Column("id").desc).fetchAll(db)
    }

    public static func newest(_ db: Database) throws -> BackupRecord? {
        try BackupRecord.all().live().order(Column("created_at").desc, Column("id").desc).fetchOne(db)
    }

    /// A live catalogue entry.
    public static func live(id: Int64, _ db: Database) throws -> BackupRecord? {
        try BackupRecord.all().live().filter(Column("id") == id).fetchOne(db)
    }
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
        _ kind: Kind,
        scheduledFor: String? = nil,
        restoreFrom: Int64? = nil,
        by userId: Int64?,
        at now: Date,
        _ db: Database
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO backup_jobs (kind, scheduled_for, restore_from, requested_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [kind, scheduledFor, restoreFrom, userId, now, now]
        )
        return db.lastInsertedRowID
    }

    /// Whether a restore is queued or running (one at a time).
    public static func restoreUnderWay(_ db: Database) throws -> Bool {
        try BackupJob.filter(
            Column("kind") == Kind.restore && [Status.queued, Status.running].contains(Column("status"))
        ).fetchCount(db) > 0
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

    /// An admin's change: members left out stay as they are.
    public struct Change: Sendable, Equatable {
        public var enabled: Bool?
        public var timeOfDay: String?
        public var timeZone: String?
        public var keepLast: Int?
        public var keepDailyDays: Int?
        public var keepWeeklyWeeks: Int?

        public init(
            enabled: Bool? = nil,
            timeOfDay: String? = nil,
            timeZone: String? = nil,
            keepLast: Int? = nil,
            keepDailyDays: Int? = nil,
            keepWeeklyWeeks: Int? = nil
        ) {
            self.enabled = enabled
            self.timeOfDay = timeOfDay
            self.timeZone = timeZone
            self.keepLast = keepLast
            self.keepDailyDays = keepDailyDays
            self.keepWeeklyWeeks = keepWeeklyWeeks
        }

        /// Per-member problems (API names → sentence); empty when the change can be made.
        public var problems: [String: String] {
            var problems: [String: String] = [:]
            if let time = self.timeOfDay, TimeOfDay(time) == nil {
                problems["time_of_day"] = "A 24-hour time such as 02:30."
            }
            if let zone = self.timeZone, TimeZone(identifier: zone) == nil {
                problems["time_zone"] = "A time zone such as Europe/Zurich."
            }
            if let keep = self.keepLast, !(1...1000).contains(keep) { problems["keep_last"] = "From 1 to 1000." }
            if let days = self.keepDailyDays, !(0...3650).contains(days) {
                problems["keep_daily_days"] = "From 0 to 3650."
            }
            if let weeks = self.keepWeeklyWeeks, !(0...520).contains(weeks) {
                problems["keep_weekly_weeks"] = "From 0 to 520."
            }
            return problems
        }
    }

    public enum Failure: Error, Equatable {
        case invalid([String: String])
    }

    /// Applies a change, or refuses it whole (`Failure.invalid`).
    public static func update(_ change: Change, by userId: Int64?, now: Date, _ db: Database) throws -> BackupPolicy {
        let problems = change.problems
        guard problems.isEmpty else { throw Failure.invalid(problems) }
        let current = try Self.current(db)
        try db.execute(
            sql: """
                UPDATE backup_policy SET enabled = ?, time_of_day = ?, time_zone = ?, keep_last = ?, keep_daily_days = ?,
                    keep_weekly_weeks = ?, updated_at = ?, updated_by = ? WHERE id = 1
                """,
            arguments: [
                change.enabled ?? current.enabled, change.timeOfDay ?? current.timeOfDay,
                change.timeZone ?? current.timeZone,
                change.keepLast ?? current.keepLast, change.keepDailyDays ?? current.keepDailyDays,
                change.keepWeeklyWeeks ?? current.keepWeeklyWeeks, now, userId,
            ]
        )
        return try Self.current(db)
    }
}

extension BackupJob.Kind: CaseIterable {}

extension BackupRecord: SoftDeletable {}

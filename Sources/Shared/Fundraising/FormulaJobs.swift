import Foundation
import GRDB

/// Recomputing a changed formula over a large table: in batches of short write transactions
/// (so other writes keep flowing), with progress, resuming where it stopped after a restart.
public struct FormulaJobs: Sendable {
    /// A recompute and how far it has come.
    public struct Job: Sendable, Equatable, FetchableRecord {
        public enum Status: String, Sendable, Codable {
            case running, done, superseded
        }

        public var id: Int64
        public var table: RecordTable
        public var fieldKey: String
        public var formula: String
        public var total: Int
        public var done: Int
        public var nextId: Int64
        public var status: Status
        public var createdAt: Date
        public var finishedAt: Date?

        public init(row: Row) {
            self.id = row["id"]
            self.table = row["table_name"]
            self.fieldKey = row["field_key"]
            self.formula = row["formula"]
            self.total = row["total"]
            self.done = row["done"]
            self.nextId = row["next_id"]
            self.status = Status(rawValue: row["status"]) ?? .running
            self.createdAt = row["created_at"]
            self.finishedAt = row["finished_at"]
        }
    }

    /// Tables with more records than this recompute a changed formula in a job; smaller ones
    /// inside the write that changed it.
    public static let inlineLimit = 2_000

    public let database: AppDatabase
    public let now: @Sendable () -> Date
    public let batchSize: Int
    public let limits: FormulaLimits

    public init(
        database: AppDatabase,
        now: @escaping @Sendable () -> Date = { Date() },
        batchSize: Int = 1_000,
        limits: FormulaLimits = .standard
    ) {
        self.database = database
        self.now = now
        self.batchSize = batchSize
        self.limits = limits
    }

    /// Starts a job for field `key` inside the caller's transaction, for the records after id
    /// `after` (`done` of `total` being done already); earlier running jobs for the same field
    /// are superseded.
    static func start(
        _ table: RecordTable,
        key: String,
        formula: String,
        total: Int,
        by userId: Int64?,
        at now: Date,
        after: Int64 = 0,
        done: Int = 0,
        _ db: Database
    ) throws -> Int64 {
        try db.execute(
            sql: """
                UPDATE formula_jobs SET status = 'superseded', updated_at = ?, finished_at = ?
                WHERE status = 'running' AND table_name = ? AND field_key = ?
                """,
            arguments: [now, now, table.rawValue, key]
        )
        try db.execute(
            sql: """
                INSERT INTO formula_jobs (table_name, field_key, formula, total, done, next_id, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [table.rawValue, key, formula, total, done, after, userId, now, now]
        )
        return db.lastInsertedRowID
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await self.database.pool.read { db in
            try Job.fetchOne(db, sql: "SELECT * FROM formula_jobs WHERE id = ?", arguments: [id])
        }
    }

    /// The running job of a field, if any.
    public static func running(_ table: RecordTable, key: String, _ db: Database) throws -> Job? {
        try Job.fetchOne(
            db,
            sql:
                "SELECT * FROM formula_jobs WHERE status = 'running' AND table_name = ? AND field_key = ? ORDER BY id DESC LIMIT 1",
            arguments: [table.rawValue, key]
        )
    }

    /// Does one batch of the oldest running job. The formulas are evaluated in a read, outside
    /// the write lock, for at most `limits.maxBatchDuration`; the results are then written in one
    /// short transaction, each only if its record is unchanged since it was read (one that
    /// changed is evaluated again inside the write, within its own record budget). Returns false
    /// when no job is left.
    @discardableResult
    public func step() async throws -> Bool {
        let now = self.now()
        let batch = self.batchSize
        let limits = self.limits
        let planned = try await self.database.pool.read { db -> (Job, [Int64], [FormulaFields.Outcome])? in
            guard
                let job = try Job.fetchOne(
                    db,
                    sql: "SELECT * FROM formula_jobs WHERE status = 'running' ORDER BY id LIMIT 1"
                )
            else {
                return nil
            }
            let catalog = try FieldDefinition.catalog(job.table, db)
            guard catalog.first(where: { $0.key == job.fieldKey })?.formula == job.formula else { return (job, [], []) }
            // reads deleted rows: archived records keep their formulas current, so a restore brings them back right
            let ids = try Int64.fetchAll(
                db,
                sql: "SELECT id FROM \(job.table.sqlTable) WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [job.nextId, batch]
            )
            let zone = try AppSettings.timeZone(db)
            let entries = FormulaFields.entries(recomputing: job.fieldKey, catalog)
            let deadline = ContinuousClock.now.advanced(by: limits.maxBatchDuration)
            var done: [Int64] = []
            var outcomes: [FormulaFields.Outcome] = []
            for id in ids {
                if !done.isEmpty && ContinuousClock.now >= deadline { break }
                if let outcome = try FormulaFields.evaluate(
                    entries,
                    job.table,
                    id: id,
                    catalog: catalog,
                    at: now,
                    zone: zone,
                    limits: limits,
                    db
                ) {
                    outcomes.append(outcome)
                }
                done.append(id)
            }
            return (job, done, outcomes)
        }
        guard let (job, ids, outcomes) = planned else { return false }
        try await self.database.pool.write { db in
            let current = try Job.fetchOne(db, sql: "SELECT * FROM formula_jobs WHERE id = ?", arguments: [job.id])
            let fresh = try FieldDefinition.catalog(job.table, db)
            // A newer formula superseded the job (or another step moved it) while this batch was read.
            guard current?.status == .running, current?.nextId == job.nextId else { return }
            guard fresh.first(where: { $0.key == job.fieldKey })?.formula == job.formula else {
                try db.execute(
                    sql: "UPDATE formula_jobs SET status = 'superseded', updated_at = ?, finished_at = ? WHERE id = ?",
                    arguments: [now, now, job.id]
                )
                return
            }
            guard let last = ids.last else {
                try db.execute(
                    sql:
                        "UPDATE formula_jobs SET status = 'done', done = total, updated_at = ?, finished_at = ? WHERE id = ?",
                    arguments: [now, now, job.id]
                )
                try RecordStore.bumpGlobalVersion(db, by: nil, at: now)
                return
            }
            for outcome in outcomes where try !FormulaFields.store(outcome, job.table, ifUnchanged: true, db) {
                _ = try FormulaFields.recompute(
                    job.table,
                    ids: [outcome.id],
                    key: job.fieldKey,
                    catalog: fresh,
                    at: now,
                    limits: limits,
                    db
                )
            }
            try db.execute(
                sql: "UPDATE formula_jobs SET next_id = ?, done = min(total, done + ?), updated_at = ? WHERE id = ?",
                arguments: [last, ids.count, now, job.id]
            )
        }
        return true
    }

    /// Starts a job for each formula that moves with the clock (`TODAY()`, `NOW()`…) and has not
    /// been recomputed since the team's day began, so views such as "due this week" stay right.
    /// Returns how many jobs it started.
    @discardableResult
    public func refreshClockBound() async throws -> Int {
        let now = self.now()
        // The runner asks every 30 seconds: find what is due with a read, write only then.
        let due = try await self.database.pool.read { db in try Self.dueClockBound(at: now, db) }
        guard !due.isEmpty else { return 0 }
        return try await self.database.pool.write { db in
            let still = try Self.dueClockBound(at: now, db)
            for (table, field) in still {
                // reads deleted rows: the job covers archived records too
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.sqlTable)") ?? 0
                _ = try Self.start(
                    table,
                    key: field.key,
                    formula: field.formula ?? "",
                    total: total,
                    by: nil,
                    at: now,
                    db
                )
            }
            return still.count
        }
    }

    /// Clock-bound formula fields with no job since the team's day began.
    private static func dueClockBound(at now: Date, _ db: Database) throws -> [(RecordTable, FieldDefinition)] {
        let midnight = ISO8601.calendar(try AppSettings.timeZone(db)).startOfDay(for: now)
        var due: [(RecordTable, FieldDefinition)] = []
        for table in RecordTable.allCases {
            let plan = FormulaPlan.of(try FieldDefinition.catalog(table, db))
            for entry in plan.entries where plan.clockBound.contains(entry.field.key) {
                let recent =
                    try Bool.fetchOne(
                        db,
                        sql:
                            "SELECT EXISTS (SELECT 1 FROM formula_jobs WHERE table_name = ? AND field_key = ? AND created_at >= ?)",
                        arguments: [table.rawValue, entry.field.key, midnight]
                    ) ?? false
                if !recent { due.append((table, entry.field)) }
            }
        }
        return due
    }

    /// Runs every job to its end.
    public func runAll() async throws {
        while try await self.step() {
            await Task.yield()
        }
    }
}

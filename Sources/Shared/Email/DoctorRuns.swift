import Foundation
import GRDB

/// Requests for the Google doctor from the Admin page, and the reports crm-scheduler stores.
/// Asking again while a run is waiting or running returns that run.
public enum DoctorRuns {
    public struct Run: Sendable, Equatable {
        public let id: Int64
        public let requestedBy: Int64?
        public let requestedAt: Date
        public let startedAt: Date?
        public let finishedAt: Date?
        public let ok: Bool?
        /// The doctor's report: `{"checks": [...], "ok": …}`.
        public let report: JSONValue?

        init(row: Row) {
            self.id = row["id"]
            self.requestedBy = row["requested_by"]
            self.requestedAt = row["requested_at"]
            self.startedAt = row["started_at"]
            self.finishedAt = row["finished_at"]
            self.ok = row["ok"]
            self.report = (row["report"] as String?).flatMap(JSONValue.decode)
        }
    }

    /// A run left unfinished this long (crm-scheduler stopped during it) is asked for again.
    public static let abandonedAfter: TimeInterval = 300

    public static func request(by userId: Int64, at now: Date, _ db: Database) throws -> Run {
        if let open = try Self.open(now: now, db) { return open }
        try db.execute(
            sql: "INSERT INTO email_doctor_runs (requested_by, requested_at) VALUES (?, ?)",
            arguments: [userId, now]
        )
        return try Self.run(db.lastInsertedRowID, db)!
    }

    /// The newest run, if any.
    public static func latest(_ db: Database) throws -> Run? {
        try Row.fetchOne(db, sql: "SELECT * FROM email_doctor_runs ORDER BY id DESC LIMIT 1").map(Run.init)
    }

    /// The run waiting for crm-scheduler (or started and not abandoned), if any.
    public static func open(now: Date, _ db: Database) throws -> Run? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT * FROM email_doctor_runs WHERE finished_at IS NULL AND (started_at IS NULL OR started_at > ?)
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [now.addingTimeInterval(-Self.abandonedAfter)]
        ).map(Run.init)
    }

    /// Claims the waiting run for crm-scheduler; nil when there is none.
    public static func claim(at now: Date, _ db: Database) throws -> Run? {
        guard let open = try Self.open(now: now, db), open.startedAt == nil else { return nil }
        try db.execute(sql: "UPDATE email_doctor_runs SET started_at = ? WHERE id = ?", arguments: [now, open.id])
        return try Self.run(open.id, db)
    }

    public static func finish(_ id: Int64, ok: Bool, report: Data, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE email_doctor_runs SET finished_at = ?, ok = ?, report = ? WHERE id = ?",
            arguments: [now, ok, String(decoding: report, as: UTF8.self), id]
        )
    }

    static func run(_ id: Int64, _ db: Database) throws -> Run? {
        try Row.fetchOne(db, sql: "SELECT * FROM email_doctor_runs WHERE id = ?", arguments: [id]).map(Run.init)
    }
}

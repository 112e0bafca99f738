import Foundation
import GRDB

/// Erasing a contact's or an investor's captured mail: one admin action that hides every live
/// message linked to the record (it stays erased when a sync meets it again), recorded with who
/// did it, and restorable as a whole. Signals of every record those messages touched follow.
public enum EmailErasures {
    public enum Failure: Error, Equatable {
        /// No live contact or investor has this id, or no erasure has this id.
        case notFound
        /// The erasure was restored already.
        case restored
    }

    public struct Erasure: Sendable, Equatable {
        public let id: Int64
        public let table: RecordTable
        public let recordId: Int64
        public let messageCount: Int
        public let erasedBy: Int64?
        public let erasedAt: Date
        public let restoredBy: Int64?
        public let restoredAt: Date?

        init(row: Row) {
            self.id = row["id"]
            self.table = RecordTable(rawValue: row["record_table"]) ?? .contacts
            self.recordId = row["record_id"]
            self.messageCount = row["message_count"]
            self.erasedBy = row["erased_by"]
            self.erasedAt = row["erased_at"]
            self.restoredBy = row["restored_by"]
            self.restoredAt = row["restored_at"]
        }
    }

    /// Hides the record's captured mail; returns the erasure (with how many messages it hid).
    public static func erase(
        _ table: RecordTable,
        id: Int64,
        by userId: Int64,
        at now: Date,
        _ db: Database
    ) throws -> Erasure {
        guard RelationshipSignals.tables.contains(table),
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM \(table.sqlTable) WHERE id = ? AND deleted_at IS NULL",
                arguments: [id]
            ) ?? false
        else { throw Failure.notFound }
        try db.execute(
            sql: """
                INSERT INTO email_erasures (record_table, record_id, message_count, erased_by, erased_at)
                VALUES (?, ?, 0, ?, ?)
                """,
            arguments: [table.rawValue, id, userId, now]
        )
        let erasure = db.lastInsertedRowID
        let touched = try Self.touched(
            """
            SELECT message_id FROM email_message_links l JOIN email_messages m ON m.id = l.message_id
            WHERE l.record_table = ? AND l.record_id = ? AND m.deleted_at IS NULL
            """,
            [table.rawValue, id],
            db
        )
        try db.execute(
            sql: """
                UPDATE email_messages SET deleted_at = ?, erasure_id = ?, updated_at = ?
                WHERE deleted_at IS NULL AND id IN (SELECT message_id FROM email_message_links
                    WHERE record_table = ? AND record_id = ?)
                """,
            arguments: [now, erasure, now, table.rawValue, id]
        )
        try db.execute(
            sql: "UPDATE email_erasures SET message_count = ? WHERE id = ?",
            arguments: [db.changesCount, erasure]
        )
        try RelationshipSignals.refresh(touched, at: now, settings: try AppSettings.values(db), db)
        return try Self.erasure(erasure, db)
    }

    /// Brings back exactly the messages an erasure hid.
    public static func restore(_ erasureId: Int64, by userId: Int64, at now: Date, _ db: Database) throws -> Erasure {
        let current = try Self.erasure(erasureId, db)
        guard current.restoredAt == nil else { throw Failure.restored }
        // reads deleted rows: the erased messages are what is being restored.
        let touched = try Self.touched(
            """
            SELECT l.message_id FROM email_message_links l JOIN email_messages m ON m.id = l.message_id
            WHERE m.erasure_id = ?
            """,
            [erasureId],
            db
        )
        try db.execute(
            sql: "UPDATE email_messages SET deleted_at = NULL, erasure_id = NULL, updated_at = ? WHERE erasure_id = ?",
            arguments: [now, erasureId]
        )
        try db.execute(
            sql: "UPDATE email_erasures SET restored_by = ?, restored_at = ? WHERE id = ?",
            arguments: [userId, now, erasureId]
        )
        try RelationshipSignals.refresh(touched, at: now, settings: try AppSettings.values(db), db)
        return try Self.erasure(erasureId, db)
    }

    /// Every erasure, newest first.
    public static func all(_ db: Database) throws -> [Erasure] {
        try Row.fetchAll(db, sql: "SELECT * FROM email_erasures ORDER BY id DESC LIMIT 1000").map(Erasure.init)
    }

    static func erasure(_ id: Int64, _ db: Database) throws -> Erasure {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM email_erasures WHERE id = ?", arguments: [id]) else {
            throw Failure.notFound
        }
        return Erasure(row: row)
    }

    /// Every record linked to the messages `messages` selects (their signals change).
    private static func touched(
        _ messages: String,
        _ arguments: StatementArguments,
        _ db: Database
    ) throws -> Set<RelationshipSignals.Record> {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT DISTINCT record_table, record_id FROM email_message_links WHERE message_id IN (\(messages))",
            arguments: arguments
        )
        return Set(
            rows.compactMap { row in RecordTable(rawValue: row["record_table"]).map { .init($0, row["record_id"]) } }
        )
    }
}

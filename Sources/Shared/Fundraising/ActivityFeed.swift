import Foundation
import GRDB

/// The unified activity feed, newest first: the audit trail (`record_history`) of live records,
/// backups taken and pruned, restores, imports and logged communications (with the investor
/// they were with). Automation and email entries join it with
/// their issues, as more arms of the same query. Pages continue from an opaque cursor of (time, type, id).
public enum ActivityFeed {
    public enum EntryType: String, CaseIterable, Sendable {
        case audit, automation, backup, communication, email, `import`
    }

    public struct Filter: Sendable {
        public var types: Set<EntryType> = Set(EntryType.allCases)
        public var table: RecordTable?
        public var recordId: Int64?
        public var userId: Int64?

        public init() {}
    }

    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var type: EntryType
        public var at: Date
        public var userId: Int64?
        public var table: String?
        public var recordId: Int64?
        public var action: String
        public var field: String?
        public var old: JSONValue?
        public var new: JSONValue?
    }

    /// Where a page ends: the last entry's time, type and id.
    public struct Cursor: Sendable, Equatable {
        var at: String
        var type: String
        var id: Int64

        public var token: String {
            Base64URL.encode(Data("\(self.at)|\(self.type)|\(self.id)".utf8))
        }

        public init?(token: String) {
            guard token.count <= 200, let data = Base64URL.decode(token), let text = String(data: data, encoding: .utf8)
            else { return nil }
            let parts = text.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, EntryType(rawValue: String(parts[1])) != nil, let id = Int64(parts[2]),
                parts[0].count <= 40
            else { return nil }
            (self.at, self.type, self.id) = (String(parts[0]), String(parts[1]), id)
        }

        init(at: String, type: String, id: Int64) {
            (self.at, self.type, self.id) = (at, type, id)
        }
    }

    /// Audit rows only of records that are live: an archived record's trail leaves the feed and
    /// comes back when the record is restored.
    static let liveRecord = RecordTable.allCases.map {
        "(h.table_name = '\($0.rawValue)' AND EXISTS (SELECT 1 FROM \($0.sqlTable) r WHERE r.id = h.record_id AND r.deleted_at IS NULL))"
    }.joined(separator: " OR ")

    public static func page(
        _ filter: Filter,
        limit: Int,
        after cursor: Cursor?,
        _ db: Database
    ) throws -> (
        entries: [Entry], next: Cursor?
    ) {
        var arms: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if filter.types.contains(.audit) {
            var conditions = ["(\(Self.liveRecord))"]
            if let table = filter.table {
                conditions.append("h.table_name = ?")
                arguments.append(table.rawValue)
            }
            if let recordId = filter.recordId {
                conditions.append("h.record_id = ?")
                arguments.append(recordId)
            }
            if let userId = filter.userId {
                conditions.append("h.changed_by = ?")
                arguments.append(userId)
            }
            arms.append(
                """
                SELECT 'audit' AS type, h.id AS id, h.changed_at AS at, h.changed_by AS user_id, h.table_name AS tbl,
                       h.record_id AS record_id, h.action AS action, h.field_key AS field, h.old_value AS old, h.new_value AS new
                FROM record_history h WHERE \(conditions.joined(separator: " AND "))
                """
            )
        }
        // A communication is the investor's: a contacts or other table filter leaves it out.
        if filter.types.contains(.communication) && (filter.table == nil || filter.table == .investors) {
            var conditions = ["1 = 1"]
            if let recordId = filter.recordId {
                conditions.append("c.investor_id = ?")
                arguments.append(recordId)
            }
            if let userId = filter.userId {
                conditions.append("h.changed_by = ?")
                arguments.append(userId)
            }
            // reads deleted rows: the feed is history; a deleted communication's entries say it was deleted.
            arms.append(
                """
                SELECT 'communication' AS type, h.id AS id, h.changed_at AS at, h.changed_by AS user_id, 'investors' AS tbl,
                       c.investor_id AS record_id, 'communication_' || h.action AS action, NULL AS field,
                       h.old_value AS old, h.new_value AS new
                FROM communication_history h JOIN communications c ON c.id = h.communication_id
                WHERE \(conditions.joined(separator: " AND "))
                """
            )
        }
        // Backups name no record, so a table or record filter leaves them out.
        if filter.types.contains(.backup) && filter.table == nil && filter.recordId == nil {
            let byUser = filter.userId == nil ? "" : " AND j.requested_by = ?"
            // reads deleted rows: the feed is history: a backup was taken, even if retention has pruned it since
            arms.append(
                """
                SELECT 'backup' AS type, b.id AS id, b.created_at AS at, j.requested_by AS user_id, NULL AS tbl,
                       NULL AS record_id, 'backup_' || b.kind AS action, NULL AS field, NULL AS old,
                       json_object('file', b.file_name, 'size_bytes', b.size_bytes) AS new
                FROM backups b LEFT JOIN backup_jobs j ON j.id = b.job_id WHERE 1 = 1\(byUser)
                """
            )
            if let userId = filter.userId { arguments.append(userId) }
            if filter.userId == nil {
                arms.append(
                    """
                    SELECT 'backup' AS type, b.id AS id, b.deleted_at AS at, NULL AS user_id, NULL AS tbl,
                           NULL AS record_id, 'backup_pruned' AS action, NULL AS field, json_object('file', b.file_name) AS old,
                           NULL AS new
                    FROM backups b WHERE b.deleted_at IS NOT NULL
                    """
                )
            }
            arms.append(
                """
                SELECT 'backup' AS type, j.id AS id, j.finished_at AS at, j.requested_by AS user_id, NULL AS tbl,
                       NULL AS record_id, 'restore' AS action, NULL AS field, NULL AS old,
                       json_object('restored_from', j.restore_from, 'safety_backup_id', j.safety_backup_id) AS new
                FROM backup_jobs j WHERE j.kind = 'restore' AND j.status = 'succeeded'\(filter.userId == nil ? "" : " AND j.requested_by = ?")
                """
            )
            if let userId = filter.userId { arguments.append(userId) }
        }
        // An import names a table but no record.
        if filter.types.contains(.import) && filter.recordId == nil {
            var conditions = ["1 = 1"]
            if let table = filter.table {
                conditions.append("i.table_name = ?")
                arguments.append(table.rawValue)
            }
            if let userId = filter.userId {
                conditions.append("i.created_by = ?")
                arguments.append(userId)
            }
            arms.append(
                """
                SELECT 'import' AS type, i.id AS id, i.created_at AS at, i.created_by AS user_id, i.table_name AS tbl,
                       NULL AS record_id, 'import' AS action, NULL AS field, NULL AS old,
                       json_object('file', i.file_name, 'created', i.created, 'updated', i.updated, 'unchanged', i.unchanged,
                                   'archived', i.archived, 'skipped', i.skipped) AS new
                FROM import_runs i WHERE \(conditions.joined(separator: " AND "))
                """
            )
        }
        guard !arms.isEmpty else { return ([], nil) }
        var sql = "SELECT * FROM (\(arms.joined(separator: " UNION ALL ")))"
        if let cursor {
            sql += " WHERE (at, type, id) < (?, ?, ?)"
            arguments += [cursor.at, cursor.type, cursor.id]
        }
        sql += " ORDER BY at DESC, type DESC, id DESC LIMIT ?"
        arguments.append(limit + 1)
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        let entries = rows.prefix(limit).map { row in
            Entry(
                id: row["id"],
                type: EntryType(rawValue: row["type"]) ?? .audit,
                at: row["at"],
                userId: row["user_id"],
                table: row["tbl"],
                recordId: row["record_id"],
                action: row["action"],
                field: row["field"],
                old: (row["old"] as String?).flatMap(JSONValue.decode),
                new: (row["new"] as String?).flatMap(JSONValue.decode)
            )
        }
        let next = rows.count > limit ? rows[limit - 1] : nil
        return (Array(entries), next.map { Cursor(at: $0["at"], type: $0["type"], id: $0["id"]) })
    }
}

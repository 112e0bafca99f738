import Foundation
import GRDB

/// The unified activity feed, newest first. Today it holds the audit trail (`record_history`) of
/// live records; automation, backup, email and import entries join it with their issues, under
/// the same entry shape and the same cursor.
public enum ActivityFeed {
    public enum EntryType: String, CaseIterable, Sendable {
        case audit, automation, backup, email, `import`
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

    /// Audit rows only of records that are live: an archived record's trail leaves the feed and
    /// comes back when the record is restored.
    static let liveRecord = RecordTable.allCases.map {
        "(h.table_name = '\($0.rawValue)' AND EXISTS (SELECT 1 FROM \($0.sqlTable) r WHERE r.id = h.record_id AND r.deleted_at IS NULL))"
    }.joined(separator: " OR ")

    public static func page(_ filter: Filter, limit: Int, before cursor: Int64?, _ db: Database) throws -> (
        entries: [Entry], next: Int64?
    ) {
        guard filter.types.contains(.audit) else { return ([], nil) }
        var conditions = ["h.id < ?", "(\(Self.liveRecord))"]
        var arguments: [any DatabaseValueConvertible] = [cursor ?? Int64.max]
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
        arguments.append(limit + 1)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT h.* FROM record_history h WHERE \(conditions.joined(separator: " AND ")) ORDER BY h.id DESC LIMIT ?",
            arguments: StatementArguments(arguments))
        let entries = rows.prefix(limit).map { row in
            Entry(
                id: row["id"], type: .audit, at: row["changed_at"], userId: row["changed_by"], table: row["table_name"],
                recordId: row["record_id"], action: row["action"], field: row["field_key"],
                old: (row["old_value"] as String?).flatMap(JSONValue.decode), new: (row["new_value"] as String?).flatMap(JSONValue.decode))
        }
        return (Array(entries), rows.count > limit ? entries.last?.id : nil)
    }
}

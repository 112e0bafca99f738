import Foundation
import GRDB

/// Finds the records an exported link cell names. Airtable writes a link as the linked record's
/// primary field (docs/DECISIONS.md); a `rec…` id (from a record id column) works too, and an
/// owner is a team member's name or email. Indexes load once per target table.
struct ImportLinks {
    private var names: [String: [String: [Int64]]] = [:]
    private var airtableIds: [String: [String: Int64]] = [:]

    /// `rec` and 14 letters or digits.
    static func isAirtableId(_ text: String) -> Bool {
        text.utf8.count == 17 && text.hasPrefix("rec")
            && text.utf8.dropFirst(3).allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            }
    }

    static func nameKey(_ text: String) -> String {
        ViewText.fold(text.trimmed)
    }

    /// The id of the one live record `raw` names, or a sentence for the row's error.
    mutating func resolve(
        _ raw: String,
        field: FieldDefinition,
        _ db: Database
    ) throws -> Result<JSONValue, FieldProblem> {
        let text = raw.trimmed
        if text.isEmpty { return .success(.null) }
        guard case .string(let target)? = field.optionValues["table"] else {
            return .failure(FieldProblem("\(field.label) links nowhere."))
        }
        let items = CSVParser.items(text)
        if items.count > 1, try self.ids(named: text, in: target, db).isEmpty {
            return .failure(FieldProblem("\(field.label) names \(items.count) records; it links to one."))
        }
        if Self.isAirtableId(text), target != "users" {
            if let id = try self.airtableIds(target, db)[text] { return .success(.number(Double(id))) }
            return .failure(FieldProblem("No imported record has the Airtable id \(text) (import \(target) first)."))
        }
        let ids = try self.ids(named: text, in: target, db)
        switch ids.count {
        case 1: return .success(.number(Double(ids[0])))
        case 0:
            let what = target == "users" ? "team member" : String(target.dropLast())
            return .failure(
                FieldProblem("No \(what) is named \"\(text)\"\(target == "users" ? "" : " (import \(target) first)").")
            )
        default:
            return .failure(
                FieldProblem("\(ids.count) \(target) are named \"\(text)\"; add a record id column to tell them apart.")
            )
        }
    }

    /// Live records of `target` whose name is `text` (folded); team members by name or email.
    mutating func ids(named text: String, in target: String, _ db: Database) throws -> [Int64] {
        if self.names[target] == nil {
            var index: [String: [Int64]] = [:]
            let sql: String
            switch target {
            case "users":
                sql =
                    "SELECT id, name FROM users WHERE deleted_at IS NULL UNION ALL SELECT id, email FROM users WHERE deleted_at IS NULL"
            case "commitments":
                sql = "SELECT id, 'Commitment ' || id FROM fundraising_commitments WHERE deleted_at IS NULL"
            default:
                guard let table = RecordTable(rawValue: target) else { return [] }
                sql = "SELECT id, name FROM \(table.sqlTable) WHERE deleted_at IS NULL"
            }
            for row in try Row.fetchAll(db, sql: sql) {
                let id: Int64 = row[0]
                let key = Self.nameKey(row[1])
                if !(index[key]?.contains(id) ?? false) { index[key, default: []].append(id) }
            }
            self.names[target] = index
        }
        return self.names[target]?[Self.nameKey(text)] ?? []
    }

    /// Airtable record id → live record id, for records earlier imports created or updated.
    mutating func airtableIds(_ target: String, _ db: Database) throws -> [String: Int64] {
        if let known = self.airtableIds[target] { return known }
        guard let table = RecordTable(rawValue: target) else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT i.airtable_id, i.record_id FROM import_record_ids i
                JOIN \(table.sqlTable) r ON r.id = i.record_id AND r.deleted_at IS NULL
                WHERE i.table_name = ?
                """,
            arguments: [target]
        )
        let map = Dictionary(rows.map { ($0[0] as String, $0[1] as Int64) }, uniquingKeysWith: { first, _ in first })
        self.airtableIds[target] = map
        return map
    }
}

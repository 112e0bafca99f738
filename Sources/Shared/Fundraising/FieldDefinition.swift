import Foundation
import GRDB

/// One field of a table's catalog (`fundraising_fields`): a core column or a custom field kept in
/// the record's `custom` JSON.
public struct FieldDefinition: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var tableName: RecordTable
    public var key: String
    public var label: String
    public var type: FieldType
    /// A JSON object: `choices`, `free`, `format`, `table`, `currency`, `integer`, `max`…
    public var options: String {
        didSet {
            self.optionValues = if case .object(let object)? = JSONValue.decode(self.options) { object } else { [:] }
        }
    }
    public var formula: String?
    public var position: Int
    public var hiddenByDefault: Bool
    public var isCore: Bool

    /// Values the server computes (formulas, record metadata, signals from mail); a write to one
    /// is refused.
    public var isComputed: Bool {
        self.type.isComputed || (self.isCore && RelationshipSignals.isComputed(self.tableName, self.key))
    }

    /// The options object, decoded once when the field is read.
    public private(set) var optionValues: [String: JSONValue]

    public init(row: Row) throws {
        self.id = row["id"]
        self.tableName = row["table_name"]
        self.key = row["key"]
        self.label = row["label"]
        self.type = row["type"]
        self.options = row["options"]
        self.formula = row["formula"]
        self.position = row["position"]
        self.hiddenByDefault = row["hidden_by_default"]
        self.isCore = row["is_core"]
        self.optionValues = if case .object(let object)? = JSONValue.decode(self.options) { object } else { [:] }
    }

    /// The live fields of a table in catalog order.
    public static func catalog(_ table: RecordTable, _ db: Database) throws -> [FieldDefinition] {
        try FieldDefinition.fetchAll(
            db,
            sql: "SELECT * FROM fundraising_fields WHERE table_name = ? AND deleted_at IS NULL ORDER BY position, id",
            arguments: [table.rawValue]
        )
    }
}

extension RecordTable: DatabaseValueConvertible {}
extension FieldType: DatabaseValueConvertible {}

extension FieldDefinition: SoftDeletable {
    public static let databaseTableName = "fundraising_fields"
}

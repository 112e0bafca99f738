import Foundation
import GRDB

/// One field of a table's catalog (`fundraising_fields`): a core column or a custom field kept in
/// the record's `custom` JSON.
public struct FieldDefinition: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var tableName: RecordTable
    public var key: String
    public var label: String
    public var type: FieldType
    /// A JSON object: `choices`, `free`, `format`, `table`, `currency`, `integer`, `max`…
    public var options: String
    public var formula: String?
    public var position: Int
    public var hiddenByDefault: Bool
    public var isCore: Bool

    public static let databaseTableName = "fundraising_fields"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// The options object, decoded.
    public var optionValues: [String: JSONValue] {
        (try? JSONDecoder().decode([String: JSONValue].self, from: Data(self.options.utf8))) ?? [:]
    }

    /// The live fields of a table in catalog order.
    public static func catalog(_ table: RecordTable, _ db: Database) throws -> [FieldDefinition] {
        try FieldDefinition.fetchAll(
            db, sql: "SELECT * FROM fundraising_fields WHERE table_name = ? AND deleted_at IS NULL ORDER BY position, id",
            arguments: [table.rawValue])
    }
}

extension RecordTable: DatabaseValueConvertible {}
extension FieldType: DatabaseValueConvertible {}

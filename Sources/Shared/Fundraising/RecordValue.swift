import Foundation
import GRDB

/// A fundraising record as the API shows it: its own version, and every catalog field's value.
public struct RecordValue: Sendable, Equatable {
    public var id: Int64
    public var version: Int
    public var fields: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
    public var lastModifiedBy: Int64?
    public var deletedAt: Date?
    /// Why a formula field holds `#ERROR!` (or `NaN`, `Infinity`): field key → sentence.
    public var errors: [String: String]
    /// The row's `custom` object as stored, archived fields' values included, so a write can
    /// change some keys without reading the row again.
    var storedCustom: [String: JSONValue]

    /// Decodes a table row with the table's catalog.
    init(row: Row, catalog: [FieldDefinition]) {
        let custom: [String: JSONValue] =
            if case .object(let object)? = JSONValue.decode(row["custom"] ?? "{}") { object } else { [:] }
        self.storedCustom = custom
        var fields: [String: JSONValue] = [:]
        for field in catalog where !field.type.isRecordMetadata {
            if field.isCore {
                fields[field.key] = FieldValues.apiValue(row[field.key] as DatabaseValue, for: field)
            } else {
                fields[field.key] = custom[field.key] ?? FieldValues.apiValue(.null, for: field)
            }
        }
        self.id = row["id"]
        self.version = row["version"]
        self.createdAt = row["created_at"]
        self.updatedAt = row["updated_at"]
        self.lastModifiedBy = row["last_modified_by"]
        self.deletedAt = row["deleted_at"]
        for field in catalog where field.type.isRecordMetadata {
            fields[field.key] =
                switch field.type {
                case .createdTime: .string(FieldValues.formatDateTime(self.createdAt))
                case .lastModifiedTime: .string(FieldValues.formatDateTime(self.updatedAt))
                case .lastModifiedBy: self.lastModifiedBy.map { .number(Double($0)) } ?? .null
                default: .null
                }
        }
        self.fields = fields
        var errors: [String: String] = [:]
        if let text = row["formula_errors"] as String?, case .object(let object)? = JSONValue.decode(text) {
            for field in catalog where field.type == .formula {
                if case .string(let reason)? = object[field.key] { errors[field.key] = reason }
            }
        }
        self.errors = errors
    }
}

/// One field-level change in `record_history`.
public struct HistoryEntry: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var action: String
    public var fieldKey: String?
    public var oldValue: JSONValue?
    public var newValue: JSONValue?
    public var recordVersion: Int
    public var changedBy: Int64?
    public var changedAt: Date

    public init(row: Row) {
        self.id = row["id"]
        self.action = row["action"]
        self.fieldKey = row["field_key"]
        self.oldValue = (row["old_value"] as String?).flatMap(JSONValue.decode)
        self.newValue = (row["new_value"] as String?).flatMap(JSONValue.decode)
        self.recordVersion = row["record_version"]
        self.changedBy = row["changed_by"]
        self.changedAt = row["changed_at"]
    }
}

/// Why a record write was refused.
public enum RecordStoreError: Error, Equatable {
    case notFound
    /// The record changed since the client read it; `current` is what it is now.
    case versionConflict(current: RecordValue)
    /// Records of a batch that changed since the client read them, as they are now.
    case versionConflicts([RecordValue])
    /// Per-field sentences (field key → problem).
    case invalid([String: String])
}

import Foundation

/// What the caller chose for one CSV import (docs/API.md, "Import"); everything but the table has a
/// default that suits an Airtable export.
public struct ImportOptions: Sendable {
    public var table: RecordTable
    /// The uploaded file's name, kept in `import_runs`.
    public var fileName: String
    public var dryRun: Bool
    /// The headers of the key columns; nil: the Airtable record id column when there is one,
    /// else the columns mapped to the table's required fields (the name; investor and fund).
    public var key: [String]?
    /// Header → field key, or nil to skip the column; overrides the automatic match.
    public var mapping: [String: String?]
    /// Unmatched columns become custom fields of the inferred type (otherwise they are skipped).
    public var createFields: Bool
    /// Commit the valid rows and report the rest (otherwise any error commits nothing).
    public var skipInvalidRows: Bool
    /// Archive live records whose key is not in the file.
    public var archiveMissing: Bool
    /// Header → day-first or month-first, for date columns whose values read both ways.
    public var dateOrders: [String: ImportValues.DateOrder]
    /// The zone exported times are read in; nil: the team's time zone setting.
    public var timeZone: TimeZone?
    /// How many rows the plan shows (created, updated or archived).
    public var previewRows: Int
    /// How many errors the plan lists (all are counted).
    public var maximumErrors: Int

    public init(
        table: RecordTable,
        fileName: String,
        dryRun: Bool = true,
        key: [String]? = nil,
        mapping: [String: String?] = [:],
        createFields: Bool = false,
        skipInvalidRows: Bool = false,
        archiveMissing: Bool = false,
        dateOrders: [String: ImportValues.DateOrder] = [:],
        timeZone: TimeZone? = nil,
        previewRows: Int = 100,
        maximumErrors: Int = 1000
    ) {
        self.table = table
        self.fileName = fileName
        self.dryRun = dryRun
        self.key = key
        self.mapping = mapping
        self.createFields = createFields
        self.skipInvalidRows = skipInvalidRows
        self.archiveMissing = archiveMissing
        self.dateOrders = dateOrders
        self.timeZone = timeZone
        self.previewRows = previewRows
        self.maximumErrors = maximumErrors
    }

    /// The options as `import_runs.options` keeps them.
    var summary: JSONValue {
        var object: [String: JSONValue] = [
            "create_fields": .bool(self.createFields), "skip_invalid_rows": .bool(self.skipInvalidRows),
            "archive_missing": .bool(self.archiveMissing),
        ]
        if let key = self.key { object["key"] = .array(key.map(JSONValue.string)) }
        if !self.mapping.isEmpty {
            object["mapping"] = .object(self.mapping.mapValues { $0.map(JSONValue.string) ?? .null })
        }
        if !self.dateOrders.isEmpty {
            object["date_orders"] = .object(self.dateOrders.mapValues { .string($0.rawValue) })
        }
        return .object(object)
    }
}

/// How far an import has come, for a progress bar or a CLI line.
public struct ImportProgress: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case reading, planning, writing
    }

    public var phase: Phase
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int
}

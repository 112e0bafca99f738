import Foundation

/// What an import does or did: counts, every problem, the fields it creates, and the first rows'
/// changes. A dry run returns it; a commit applies exactly it (docs/API.md, "Import").
public struct ImportPlan: Sendable, Encodable, Equatable {
    /// A problem with the file (line 1: its header) or one of its records.
    public struct Problem: Sendable, Encodable, Equatable {
        public var line: Int
        public var column: String?
        public var message: String
    }

    /// What happens to one column of the file.
    public struct Column: Sendable, Encodable, Equatable {
        public enum Action: String, Sendable, Encodable {
            /// Read into an existing field.
            case match
            /// Read into a field the import creates.
            case create
            /// Airtable's record id, used to find the record again next time.
            case recordId = "record_id"
            case skip
        }

        public var header: String
        public var action: Action
        public var field: String?
        public var type: FieldType?
        /// Day-first or month-first, for a date column with slashed dates.
        public var dateOrder: ImportValues.DateOrder?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case header, action, field, type, note
            case dateOrder = "date_order"
        }
    }

    public struct NewField: Sendable, Encodable, Equatable {
        public var header: String
        public var key: String
        public var label: String
        public var type: FieldType
        public var options: JSONValue
    }

    public struct Change: Sendable, Encodable, Equatable {
        public var old: JSONValue
        public var new: JSONValue
    }

    public struct Row: Sendable, Encodable, Equatable {
        public enum Action: String, Sendable, Encodable {
            case create, update, archive
        }

        public var line: Int?
        public var action: Action
        public var recordId: Int64?
        public var changes: [String: Change]

        enum CodingKeys: String, CodingKey {
            case line, action, changes
            case recordId = "record_id"
        }
    }

    public struct File: Sendable, Encodable, Equatable {
        public var name: String
        public var sha256: String
        public var bytes: Int
        public var records: Int
    }

    public var dryRun: Bool
    public var table: RecordTable
    public var file: File
    public var key: [String]
    public var timeZone: String
    public var columns: [Column] = []
    public var newFields: [NewField] = []
    /// Options a custom select field gains, by field key.
    public var newOptions: [String: [String]] = [:]
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var archived = 0
    /// Records with errors left out (only when the caller chose to skip them).
    public var skipped = 0
    /// Rows with every cell empty (Airtable exports blank records): passed over.
    public var blankRows = 0
    public var errors: [Problem] = []
    /// Every error, including those past the listed ones.
    public var errorCount = 0
    public var rows: [Row] = []
    /// The `import_runs` entry of a commit.
    public var runId: Int64?

    /// Problems with the file as a whole (its header, key or date columns): nothing commits,
    /// even when invalid rows may be skipped.
    public var hasFileErrors: Bool { self.fileErrorCount > 0 }
    var fileErrorCount = 0

    enum CodingKeys: String, CodingKey {
        case table, file, key, columns, created, updated, unchanged, archived, skipped, errors, rows
        case dryRun = "dry_run"
        case timeZone = "time_zone"
        case newFields = "new_fields"
        case newOptions = "new_options"
        case errorCount = "error_count"
        case blankRows = "blank_rows"
        case runId = "run_id"
    }

    /// A problem with the whole file, reported on the header's line.
    mutating func fileProblem(column: String?, _ message: String, maximum: Int) {
        self.fileErrorCount += 1
        self.problem(line: 1, column: column, message, maximum: maximum)
    }

    mutating func problem(line: Int, column: String?, _ message: String, maximum: Int) {
        self.errorCount += 1
        if self.errors.count < maximum { self.errors.append(Problem(line: line, column: column, message: message)) }
    }
}

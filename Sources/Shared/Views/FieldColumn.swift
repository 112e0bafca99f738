import Foundation
import GRDB

/// How a view reads one field in SQL: the expression for its value, what kind of value it is,
/// and what "blank" means for it.
public struct FieldColumn: Sendable {
    public enum Category: String, Sendable, Equatable, CaseIterable, Encodable {
        case text, select, multi, number, checkbox, date, datetime, link
    }

    /// How a datetime column writes instants: the API's ISO form, or GRDB's for record metadata.
    public enum InstantFormat: Sendable {
        case iso, grdb
    }

    public let field: FieldDefinition
    public let category: Category
    /// The stored value; custom fields read their key out of the `custom` JSON. No argument is
    /// bound in it (the path is a literal), so sort indexes can match it.
    public let value: SQLFragment
    /// What a filter value is multiplied by to compare with what is stored (currency cents).
    public let scale: Double
    public let instantFormat: InstantFormat

    /// The kind of value a field of `type` holds; a formula's is its result's.
    public static func category(_ type: FieldType, result: FormulaType?) -> Category {
        switch type {
        case .text, .longText, .email, .url, .phone: .text
        case .singleSelect: .select
        case .multiSelect: .multi
        case .number, .currency, .percent, .rating: .number
        case .checkbox: .checkbox
        case .date: .date
        case .datetime, .createdTime, .lastModifiedTime: .datetime
        case .link, .lastModifiedBy: .link
        case .formula:
            switch result ?? .text {
            case .number, .boolean: .number
            case .date: .date
            case .datetime: .datetime
            case .array: .multi
            case .text, .blank, .any: .text
            }
        }
    }

    /// The column for a field; formula fields read their stored results by result type.
    public init(_ field: FieldDefinition) {
        self.field = field
        self.instantFormat = field.type == .createdTime || field.type == .lastModifiedTime ? .grdb : .iso
        self.category = Self.category(
            field.type,
            result: field.type == .formula ? FormulaFields.resultType(field) ?? .text : nil
        )
        switch field.type {
        case .createdTime: self.value = SQLFragment("created_at")
        case .lastModifiedTime: self.value = SQLFragment("updated_at")
        case .lastModifiedBy: self.value = SQLFragment("last_modified_by")
        default:
            if field.isCore {
                self.value = SQLFragment("\"" + field.key.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            } else {
                self.value =
                    SQLFragment("json_extract(custom, ") + SQLFragment.literal("$.\"" + field.key + "\"")
                    + SQLFragment(")")
            }
        }
        self.scale = field.isCore && field.type == .currency ? 100 : 1
    }

    /// True when the field holds nothing (a checkbox is never blank: unticked is a value).
    public var isBlank: SQLFragment {
        let value = self.value
        switch self.category {
        case .text, .select, .date, .datetime:
            return SQLFragment("(") + value + SQLFragment(" IS NULL OR ") + value + SQLFragment(" = '')")
        case .multi:
            return SQLFragment("(") + value + SQLFragment(" IS NULL OR json_array_length(") + value
                + SQLFragment(") = 0)")
        case .number, .link: return SQLFragment("(") + value + SQLFragment(" IS NULL)")
        case .checkbox: return SQLFragment("0")
        }
    }

    /// The folded text of the value (text, selects; a multi-select's JSON text). ASCII text is
    /// folded by SQLite's own `lower()` (the same mapping for ASCII); only text with other
    /// characters calls into `crm_fold`, which made a million-row filter about 2× faster.
    public var folded: SQLFragment {
        SQLFragment("CASE WHEN ") + self.value + SQLFragment(" GLOB ? THEN crm_fold(", [Self.nonASCII]) + self.value
            + SQLFragment(") ELSE lower(") + self.value + SQLFragment(") END")
    }

    /// A GLOB pattern matching text with any character outside ASCII.
    static let nonASCII: DatabaseValue = "*[^\u{01}-\u{7F}]*".databaseValue

    /// The select's options in their defined order, for sorting by option order.
    public var choices: [String] {
        guard case .array(let choices)? = self.field.optionValues["choices"] else { return [] }
        return choices.compactMap { if case .string(let choice) = $0 { choice } else { nil } }
    }

    /// The key a sort orders non-blank values by (never NULL, so keyset comparisons hold). It is
    /// built from SQLite's own functions and literals only, so an index on it matches the query
    /// and stays readable, writable and checkable by the plain `sqlite3` shell (a custom function
    /// such as `crm_fold` in an index would make `PRAGMA integrity_check` and any outside write
    /// fail). Text orders by `lower()`: case-insensitive for ASCII, other characters by their code.
    public var sortKey: SQLFragment {
        switch self.category {
        case .text, .date, .datetime: return SQLFragment("coalesce(lower(") + self.value + SQLFragment("), '')")
        case .select:
            let choices = self.choices
            guard !choices.isEmpty else { return SQLFragment("coalesce(lower(") + self.value + SQLFragment("), '')") }
            var fragment = SQLFragment("CASE ") + self.value
            for (index, choice) in choices.enumerated() {
                fragment =
                    fragment + SQLFragment(" WHEN ") + SQLFragment.literal(choice) + SQLFragment(" THEN \(index)")
            }
            return fragment + SQLFragment(" ELSE \(choices.count) END")
        case .multi:
            return SQLFragment("coalesce(lower(json_extract(") + self.value + SQLFragment(", '$[0]')), '')")
        case .number, .link, .checkbox: return SQLFragment("coalesce(") + self.value + SQLFragment(", 0)")
        }
    }

    /// A bound instant in this column's stored format.
    func instant(_ date: Date) -> DatabaseValue {
        switch self.instantFormat {
        case .iso: FieldValues.formatDateTime(date).databaseValue
        case .grdb: date.databaseValue
        }
    }
}

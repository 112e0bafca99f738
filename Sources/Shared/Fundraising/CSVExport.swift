import Foundation
import GRDB

/// Writes one table's live records as Airtable writes a view's CSV: UTF-8 with a BOM, a header of
/// field labels, LF between records and none after the last, RFC 4180 minimal quoting, and each
/// value as Airtable's grid shows it (multi-values as a second CSV layer, links as the linked
/// records' names, `checked` for a ticked box). Text that a spreadsheet would run as a formula
/// is neutralised (`SpreadsheetEscape`); numbers, amounts and percentages are written as they are.
public enum CSVExport {
    public static func table(_ table: RecordTable, _ db: Database) throws -> String {
        let catalog = try FieldDefinition.catalog(table, db)
        let names = try Self.linkNames(catalog, db)
        let records = try RecordPages.page(table, catalog: catalog, after: 0, limit: Int.max, db)
        return Self.header(catalog) + records.map { "\n" + Self.line($0, catalog: catalog, names: names) }.joined()
    }

    /// The BOM and the header row of field labels.
    public static func header(_ catalog: [FieldDefinition]) -> String {
        "\u{FEFF}" + catalog.map { Self.quote(SpreadsheetEscape.escape($0.label)) }.joined(separator: ",")
    }

    /// One record's row (without its line break).
    public static func line(
        _ record: RecordValue,
        catalog: [FieldDefinition],
        names: [String: [Int64: String]]
    ) -> String {
        catalog.map { field in Self.quote(Self.cell(record.fields[field.key] ?? .null, field: field, names: names)) }
            .joined(separator: ",")
    }

    /// For every link field, the display name of each target record (names of users for owners).
    public static func linkNames(_ catalog: [FieldDefinition], _ db: Database) throws -> [String: [Int64: String]] {
        var names: [String: [Int64: String]] = [:]
        for field in catalog where field.type == .link {
            guard case .string(let target)? = field.optionValues["table"] else { continue }
            // A link to an archived record or user still names it, so every row is read here.
            let sql: String
            switch target {
            case "users": sql = "SELECT id, name FROM users"  // reads deleted rows: see above
            case "commitments":
                // reads deleted rows: see above
                sql = "SELECT id, 'Commitment ' || id FROM fundraising_commitments"
            default:
                guard let table = RecordTable(rawValue: target) else { continue }
                sql = "SELECT id, name FROM \(table.sqlTable)"  // reads deleted rows: see above
            }
            names[field.key] = Dictionary(
                try Row.fetchAll(db, sql: sql).map { ($0[0] as Int64, $0[1] as String) },
                uniquingKeysWith: { first, _ in first }
            )
        }
        return names
    }

    /// The display text of a value, neutralised unless it is a number the grid shows as one.
    static func cell(_ value: JSONValue, field: FieldDefinition, names: [String: [Int64: String]]) -> String {
        let text = Self.display(value, field: field, names: names)
        if case .number = value, field.type != .link { return text }
        return SpreadsheetEscape.escape(text)
    }

    /// A value as Airtable's grid displays it.
    static func display(_ value: JSONValue, field: FieldDefinition, names: [String: [Int64: String]]) -> String {
        switch (field.type, value) {
        case (_, .null): return ""
        case (.checkbox, .bool(let flag)): return flag ? "checked" : ""
        case (.link, .number(let id)): return names[field.key]?[Int64(id)] ?? ""
        case (.currency, .number(let amount)):
            let code = if case .string(let code)? = field.optionValues["currency"] { code } else { "USD" }
            return Self.currency(amount, code: code)
        case (.percent, .number(let fraction)): return Self.number(fraction * 100) + "%"
        case (_, .number(let number)): return Self.number(number)
        case (_, .string(let text)): return text
        case (_, .bool(let flag)): return flag ? "checked" : ""
        case (_, .array(let items)):
            return items.map { item -> String in
                let text = if case .string(let text) = item { text } else { JSONValue.encode(item) }
                return text.contains(",") || text.contains("\"")
                    ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
            }.joined(separator: ",")
        case (_, .object): return JSONValue.encode(value)
        }
    }

    /// `1500000`, `12.9`: no trailing zeros, no exponent.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.10g", value)
    }

    /// `$1,234.56`; a currency without a common symbol keeps its code: `CHF 1,234.56`.
    static func currency(_ amount: Double, code: String) -> String {
        let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "ILS": "₪"]
        let cents = Int64((abs(amount) * 100).rounded())
        var whole = String(cents / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let digits = whole + grouped + "." + String(format: "%02d", cents % 100)
        let prefix = symbols[code].map { $0 } ?? code + " "
        return (amount < 0 ? "-" : "") + prefix + digits
    }

    /// RFC 4180 minimal quoting: only cells holding a comma, a quote or a line break.
    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

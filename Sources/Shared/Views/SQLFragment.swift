import GRDB

/// A piece of SQL and the values bound to its `?`s, in order. Views are built from these so that
/// no text from a request is ever spliced into SQL: field keys come from the catalog, values are
/// bound.
public struct SQLFragment: Sendable {
    public var sql: String
    public var arguments: [DatabaseValue]

    public init(_ sql: String, _ arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    public static func + (left: SQLFragment, right: SQLFragment) -> SQLFragment {
        SQLFragment(left.sql + right.sql, left.arguments + right.arguments)
    }

    /// `(a) op (b) op …`, or `empty` when there is nothing to join.
    public static func join(_ parts: [SQLFragment], with separator: String, empty: String) -> SQLFragment {
        guard !parts.isEmpty else { return SQLFragment(empty) }
        return SQLFragment(
            "(" + parts.map { "(" + $0.sql + ")" }.joined(separator: " \(separator) ") + ")", parts.flatMap(\.arguments))
    }

    /// `?, ?, …` for a list of values.
    public static func list(_ values: [DatabaseValue]) -> SQLFragment {
        SQLFragment(Array(repeating: "?", count: values.count).joined(separator: ", "), values)
    }

    public var statementArguments: StatementArguments { StatementArguments(self.arguments) }
}

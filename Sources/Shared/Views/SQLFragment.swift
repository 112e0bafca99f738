import Foundation
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
            "(" + parts.map { "(" + $0.sql + ")" }.joined(separator: " \(separator) ") + ")",
            parts.flatMap(\.arguments)
        )
    }

    /// `?, ?, …` for a list of values.
    public static func list(_ values: [DatabaseValue]) -> SQLFragment {
        SQLFragment(Array(repeating: "?", count: values.count).joined(separator: ", "), values)
    }

    /// A text constant written into the SQL itself, for expressions an index must match (SQLite
    /// never matches a bound `?` against an indexed expression). Plain identifier-like text is
    /// quoted; anything else is written as hexadecimal bytes, so no text reaches the SQL as typed.
    public static func literal(_ text: String) -> SQLFragment {
        let plain = text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || [UInt8(ascii: "_"), UInt8(ascii: "$"), UInt8(ascii: "."), UInt8(ascii: "\""), UInt8(ascii: " ")]
                    .contains(byte)
        }
        if plain { return SQLFragment("'" + text + "'") }
        let hex = text.utf8.map { String(format: "%02X", $0) }.joined()
        return SQLFragment("CAST(X'" + hex + "' AS TEXT)")
    }

    public var statementArguments: StatementArguments { StatementArguments(self.arguments) }
}

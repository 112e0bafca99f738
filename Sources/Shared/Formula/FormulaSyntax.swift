/// A parsed formula: a tree of expressions, each with the span of source text it came from.
///
/// Spans count UTF-16 code units, as JavaScript strings do, so the web editor can underline them.
public struct FormulaExpression: Sendable, Equatable {
    public var node: FormulaNode
    public var span: Range<Int>

    public init(_ node: FormulaNode, _ span: Range<Int>) {
        self.node = node
        self.span = span
    }
}

/// What an expression is.
public indirect enum FormulaNode: Sendable, Equatable {
    case number(Double)
    case text(String)
    case boolean(Bool)
    /// A field by the name written in the formula (before resolution) or by key (after).
    case field(String)
    /// A function call; the name is upper-cased.
    case call(String, [FormulaExpression])
    case negate(FormulaExpression)
    case binary(FormulaOperator, FormulaExpression, FormulaExpression)
}

/// The binary operators, with Airtable's precedence (higher binds tighter).
public enum FormulaOperator: String, Sendable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case concatenate = "&"
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="

    /// Comparisons bind loosest, then `&`, then `+ -`, then `* /`.
    public var precedence: Int {
        switch self {
        case .equal, .notEqual, .less, .greater, .lessOrEqual, .greaterOrEqual: 1
        case .concatenate: 2
        case .add, .subtract: 3
        case .multiply, .divide: 4
        }
    }

    var isComparison: Bool { self.precedence == 1 }
}

/// A formula that cannot be saved: a sentence for the user and the span it is about.
public struct FormulaProblem: Error, Sendable, Equatable {
    public var message: String
    public var span: Range<Int>

    public init(_ message: String, _ span: Range<Int>) {
        self.message = message
        self.span = span
    }
}

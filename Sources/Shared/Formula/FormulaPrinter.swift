import Foundation

/// Writes an expression back as formula source, with only the parentheses precedence needs.
/// Parsing the result gives the same tree.
public enum FormulaPrinter {
    /// The source for `expression`; `name` turns a field reference into the name to write.
    public static func print(_ expression: FormulaExpression, name: (String) -> String = { $0 }) -> String {
        switch expression.node {
        case .number(let value): return FormulaValue.numberText(value)
        case .text(let value): return Self.quoted(value)
        case .boolean(let value): return value ? "TRUE()" : "FALSE()"
        case .field(let key): return Self.braced(name(key))
        case .call(let function, let arguments):
            return function + "(" + arguments.map { Self.print($0, name: name) }.joined(separator: ", ") + ")"
        case .negate(let operand):
            let inner = Self.print(operand, name: name)
            if case .binary = operand.node { return "-(" + inner + ")" }
            return "-" + inner
        case .binary(let op, let left, let right):
            func side(_ child: FormulaExpression, right: Bool) -> String {
                let text = Self.print(child, name: name)
                guard case .binary(let inner, _, _) = child.node else { return text }
                let needs = inner.precedence < op.precedence || (right && inner.precedence == op.precedence)
                return needs ? "(" + text + ")" : text
            }
            return side(left, right: false) + " " + op.rawValue + " " + side(right, right: true)
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func braced(_ name: String) -> String {
        "{" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "}", with: "\\}") + "}"
    }
}

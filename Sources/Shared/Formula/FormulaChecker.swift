import Foundation

/// A field a formula may name: its key, the label users write, and its type in formulas.
public struct FormulaField: Sendable, Equatable {
    public var key: String
    public var label: String
    public var type: FormulaType

    public init(key: String, label: String, type: FormulaType) {
        self.key = key
        self.label = label
        self.type = type
    }
}

/// A formula that passed its checks: field references resolved to keys, its result type
/// inferred, and the fields it reads.
public struct CompiledFormula: Sendable, Equatable {
    public var source: String
    public var expression: FormulaExpression
    public var resultType: FormulaType
    /// Keys of the fields the formula reads, in order of first appearance.
    public var dependencies: [String]
    /// Each field reference's span in the source and the key it resolved to (for renames).
    public var references: [(key: String, span: Range<Int>)]

    public static func == (lhs: CompiledFormula, rhs: CompiledFormula) -> Bool {
        lhs.source == rhs.source && lhs.expression == rhs.expression && lhs.resultType == rhs.resultType
    }

    /// The value of the formula for one record.
    public func evaluate(_ context: FormulaContext) -> FormulaValue {
        FormulaEvaluator.evaluate(self.expression, context)
    }
}

/// Checks a formula when its field is saved: every field and function exists, every call has
/// the right number of values and no value can never fit where it is used.
public enum FormulaChecker {
    public static func check(
        _ source: String,
        fields: [FormulaField],
        limits: FormulaLimits = .standard
    ) throws(FormulaProblem) -> CompiledFormula {
        let parsed = try FormulaParser.parse(source, limits: limits)
        var checker = Checker(source: source, fields: fields, limits: limits)
        let (expression, type) = try checker.resolve(parsed)
        var dependencies: [String] = []
        for reference in checker.references where !dependencies.contains(reference.key) {
            dependencies.append(reference.key)
        }
        return CompiledFormula(
            source: source,
            expression: expression,
            resultType: type.resultType,
            dependencies: dependencies,
            references: checker.references
        )
    }

    private struct Checker {
        let source: String
        let fields: [FormulaField]
        let limits: FormulaLimits
        var references: [(key: String, span: Range<Int>)] = []
        private let utf16: [UInt16]

        init(source: String, fields: [FormulaField], limits: FormulaLimits) {
            self.source = source
            self.fields = fields
            self.limits = limits
            self.utf16 = Array(source.utf16)
        }

        /// The source text of a span, for messages.
        func text(_ span: Range<Int>) -> String {
            let clamped = max(0, span.lowerBound)..<min(self.utf16.count, span.upperBound)
            let text = String(decoding: self.utf16[clamped], as: UTF16.self)
            return text.count > 40 ? String(text.prefix(40)) + "…" : text
        }

        mutating func resolve(
            _ expression: FormulaExpression
        ) throws(FormulaProblem) -> (FormulaExpression, FormulaType) {
            switch expression.node {
            case .number: return (expression, .number)
            case .text: return (expression, .text)
            case .boolean: return (expression, .boolean)
            case .field(let name):
                let field = try self.field(named: name, expression.span)
                self.references.append((field.key, expression.span))
                return (FormulaExpression(.field(field.key), expression.span), field.type)
            case .negate(let operand):
                let (resolved, type) = try self.resolve(operand)
                if type.isDate { throw FormulaProblem("A date cannot be made negative.", expression.span) }
                return (FormulaExpression(.negate(resolved), expression.span), .number)
            case .binary(let op, let left, let right):
                let (lhs, leftType) = try self.resolve(left)
                let (rhs, rightType) = try self.resolve(right)
                let type = try self.binaryType(op, leftType, rightType, left, right, expression.span)
                return (FormulaExpression(.binary(op, lhs, rhs), expression.span), type)
            case .call(let name, let arguments):
                return try self.call(name, arguments, expression.span)
            }
        }

        private func binaryType(
            _ op: FormulaOperator,
            _ left: FormulaType,
            _ right: FormulaType,
            _ lhs: FormulaExpression,
            _ rhs: FormulaExpression,
            _ span: Range<Int>
        ) throws(FormulaProblem) -> FormulaType {
            if op.isComparison { return .boolean }
            if op == .concatenate { return .text }
            for side in [lhs, rhs] {
                if case .text(let literal) = side.node, !literal.trimmed.isEmpty, Double(literal.trimmed) == nil {
                    throw FormulaProblem(
                        "\(self.text(side.span)) is text, so it cannot be used with \(op.rawValue); use & to join text.",
                        side.span
                    )
                }
            }
            switch (op, left.isDate, right.isDate) {
            case (.subtract, true, true): return .number
            case (.add, true, false), (.subtract, true, false): return left
            case (.add, false, true): return right
            case (_, true, _), (_, _, true):
                throw FormulaProblem(
                    "Dates cannot be used with \(op.rawValue) here; use DATEADD or DATETIME_DIFF.",
                    span
                )
            default: return .number
            }
        }

        private mutating func call(
            _ name: String,
            _ arguments: [FormulaExpression],
            _ span: Range<Int>
        ) throws(FormulaProblem) -> (FormulaExpression, FormulaType) {
            let nameSpan = span.lowerBound..<(span.lowerBound + name.utf16.count)
            guard let function = FormulaFunctions.all[name] else {
                let suggestion =
                    Suggestion.closest(to: name, among: Array(FormulaFunctions.all.keys)).map { " Did you mean \($0)?" }
                    ?? ""
                throw FormulaProblem("Unknown function \(name).\(suggestion)", nameSpan)
            }
            guard function.arity.contains(arguments.count) else {
                let expected =
                    function.arity.lowerBound == function.arity.upperBound
                    ? "\(function.arity.lowerBound) value\(function.arity.lowerBound == 1 ? "" : "s")"
                    : function.arity.upperBound == FormulaFunction.variadic
                        ? "at least \(function.arity.lowerBound) value\(function.arity.lowerBound == 1 ? "" : "s")"
                        : "\(function.arity.lowerBound) to \(function.arity.upperBound) values"
                throw FormulaProblem(
                    "\(name) takes \(expected) — \(function.signature) — but was given \(arguments.count).",
                    span
                )
            }
            var resolved: [FormulaExpression] = []
            var types: [FormulaType] = []
            for (index, argument) in arguments.enumerated() {
                let parameter = function.parameter(index)
                if parameter == .field {
                    guard case .field = argument.node else {
                        throw FormulaProblem(
                            "\(name) takes fields such as {Stage}, not \(self.text(argument.span)).",
                            argument.span
                        )
                    }
                }
                let (expression, type) = try self.resolve(argument)
                try self.fit(parameter, type, argument, name: name, position: index + 1)
                resolved.append(expression)
                types.append(type)
            }
            return (FormulaExpression(.call(name, resolved), span), function.result(types))
        }

        /// Refuses a value that can never fit the parameter.
        private func fit(
            _ parameter: FormulaParameter,
            _ type: FormulaType,
            _ argument: FormulaExpression,
            name: String,
            position: Int
        ) throws(FormulaProblem) {
            let ordinal = MomentFormat.ordinal(position)
            let what = self.text(argument.span)
            switch parameter {
            case .number where type.isDate:
                throw FormulaProblem(
                    "\(name) needs a number as its \(ordinal) value, but \(what) is \(type.noun).",
                    argument.span
                )
            case .date where type == .number || type == .boolean:
                throw FormulaProblem(
                    "\(name) needs a date as its \(ordinal) value, but \(what) is \(type.noun).",
                    argument.span
                )
            case .unit:
                if case .text(let literal) = argument.node, DateUnit(name: literal) == nil {
                    throw FormulaProblem(
                        "“\(literal)” is not a unit of time; use milliseconds, seconds, minutes, hours, days, weeks, months, quarters or years (ms, s, m, h, d, w, M, Q, y).",
                        argument.span
                    )
                }
            case .timeZone:
                if case .text(let literal) = argument.node,
                    TimeZone(identifier: literal.trimmed) == nil || literal.trimmed.isEmpty
                {
                    throw FormulaProblem(
                        "“\(literal)” is not a time zone; write one such as America/New_York.",
                        argument.span
                    )
                }
            case .pattern:
                if case .text(let literal) = argument.node {
                    do {
                        _ = try RE2Pattern.compiled(literal, limits: self.limits)
                    } catch {
                        throw FormulaProblem(error.reason, argument.span)
                    }
                }
            default: break
            }
        }

        private func field(named name: String, _ span: Range<Int>) throws(FormulaProblem) -> FormulaField {
            let folded = name.trimmed.lowercased()
            if let field = self.fields.first(where: { $0.label.trimmed.lowercased() == folded })
                ?? self.fields.first(where: { $0.key == name })
            {
                return field
            }
            let suggestion =
                Suggestion.closest(to: name, among: self.fields.map(\.label)).map { " Did you mean {\($0)}?" } ?? ""
            throw FormulaProblem("Unknown field {\(name)}.\(suggestion)", span)
        }
    }
}

/// The closest name to a misspelt one, by edit distance, if it is close enough to suggest.
enum Suggestion {
    static func closest(to name: String, among candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = Self.distance(target, Array(candidate.lowercased()))
            if distance <= max(2, target.count / 3), distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

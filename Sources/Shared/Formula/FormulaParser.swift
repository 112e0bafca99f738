/// Parses Airtable's formula syntax into a `FormulaExpression`; no code is ever generated or run.
///
/// Comparisons bind loosest, then `&`, then `+ -`, then `* /`, then unary minus; all binary
/// operators are left-associative.
public struct FormulaParser {
    private var tokens: [FormulaLexer.Token]
    private var position = 0
    private var depth = 0
    private let limits: FormulaLimits

    /// Parses `source`, or throws the first problem with its span.
    public static func parse(
        _ source: String,
        limits: FormulaLimits = .standard
    ) throws(FormulaProblem) -> FormulaExpression {
        let length = source.utf16.count
        guard length <= limits.maxLength else {
            throw FormulaProblem(
                "A formula can be at most \(limits.maxLength) characters long; this one has \(length).",
                0..<length
            )
        }
        var lexer = FormulaLexer(source)
        var parser = FormulaParser(tokens: try lexer.tokens(), limits: limits)
        guard parser.tokens.count > 1 else { throw FormulaProblem("The formula is empty.", 0..<length) }
        let expression = try parser.expression()
        let token = parser.current
        guard token.kind == .end else {
            if token.kind == .symbol(")") { throw FormulaProblem("This ) has no matching (.", token.span) }
            throw FormulaProblem("Expected an operator such as & or + before this.", token.span)
        }
        return expression
    }

    private init(tokens: [FormulaLexer.Token], limits: FormulaLimits) {
        self.tokens = tokens
        self.limits = limits
    }

    private var current: FormulaLexer.Token { self.tokens[self.position] }

    private mutating func advance() -> FormulaLexer.Token {
        let token = self.tokens[self.position]
        if self.position < self.tokens.count - 1 { self.position += 1 }
        return token
    }

    private func isSymbol(_ symbol: String) -> Bool { self.current.kind == .symbol(symbol) }

    private mutating func expression(_ minimum: Int = 1) throws(FormulaProblem) -> FormulaExpression {
        self.depth += 1
        defer { self.depth -= 1 }
        guard self.depth <= self.limits.maxDepth else {
            throw FormulaProblem("The formula nests more than \(self.limits.maxDepth) levels deep.", self.current.span)
        }
        var left = try self.unary()
        while case .symbol(let symbol) = self.current.kind, let op = FormulaOperator(rawValue: symbol),
            op.precedence >= minimum
        {
            _ = self.advance()
            let right = try self.expression(op.precedence + 1)
            left = FormulaExpression(.binary(op, left, right), left.span.lowerBound..<right.span.upperBound)
        }
        return left
    }

    private mutating func unary() throws(FormulaProblem) -> FormulaExpression {
        if self.isSymbol("-") || self.isSymbol("+") {
            let sign = self.advance()
            self.depth += 1
            defer { self.depth -= 1 }
            guard self.depth <= self.limits.maxDepth else {
                throw FormulaProblem("The formula nests more than \(self.limits.maxDepth) levels deep.", sign.span)
            }
            let operand = try self.unary()
            let span = sign.span.lowerBound..<operand.span.upperBound
            return sign.kind == .symbol("-")
                ? FormulaExpression(.negate(operand), span) : FormulaExpression(operand.node, span)
        }
        return try self.primary()
    }

    private mutating func primary() throws(FormulaProblem) -> FormulaExpression {
        let token = self.advance()
        switch token.kind {
        case .number(let value): return FormulaExpression(.number(value), token.span)
        case .text(let value): return FormulaExpression(.text(value), token.span)
        case .braced(let name): return FormulaExpression(.field(name), token.span)
        case .word(let word):
            if self.isSymbol("(") { return try self.call(word, token.span) }
            switch word.uppercased() {
            case "TRUE": return FormulaExpression(.boolean(true), token.span)
            case "FALSE": return FormulaExpression(.boolean(false), token.span)
            default: return FormulaExpression(.field(word), token.span)
            }
        case .symbol("("):
            let inner = try self.expression()
            guard self.isSymbol(")") else { throw FormulaProblem("This ( is never closed.", token.span) }
            let closing = self.advance()
            return FormulaExpression(inner.node, token.span.lowerBound..<closing.span.upperBound)
        case .symbol(let symbol):
            throw FormulaProblem("Expected a value, a field or a function before “\(symbol)”.", token.span)
        case .end:
            throw FormulaProblem("The formula ends where a value was expected.", token.span)
        }
    }

    private mutating func call(_ name: String, _ nameSpan: Range<Int>) throws(FormulaProblem) -> FormulaExpression {
        let opening = self.advance()
        var arguments: [FormulaExpression] = []
        if !self.isSymbol(")") {
            while true {
                guard arguments.count < self.limits.maxArguments else {
                    throw FormulaProblem(
                        "A function can take at most \(self.limits.maxArguments) values.",
                        self.current.span
                    )
                }
                if self.isSymbol(",") || self.isSymbol(")") {
                    throw FormulaProblem("A value is missing here in \(name.uppercased())( … ).", self.current.span)
                }
                arguments.append(try self.expression())
                if self.isSymbol(",") {
                    _ = self.advance()
                    continue
                }
                break
            }
        }
        guard self.isSymbol(")") else {
            if self.current.kind == .end {
                throw FormulaProblem(
                    "\(name.uppercased())( is never closed.",
                    nameSpan.lowerBound..<opening.span.upperBound
                )
            }
            throw FormulaProblem("Expected , or ) here.", self.current.span)
        }
        let closing = self.advance()
        return FormulaExpression(.call(name.uppercased(), arguments), nameSpan.lowerBound..<closing.span.upperBound)
    }
}

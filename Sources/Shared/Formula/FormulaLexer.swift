/// Splits formula source into tokens. Whitespace and newlines separate tokens anywhere.
struct FormulaLexer {
    enum Kind: Equatable {
        case number(Double)
        case text(String)
        /// `{Field Name}`.
        case braced(String)
        /// A bare word: a function name, `TRUE`/`FALSE` or a one-word field name.
        case word(String)
        case symbol(String)
        case end
    }

    struct Token: Equatable {
        var kind: Kind
        var span: Range<Int>
    }

    private let scalars: [Unicode.Scalar]
    /// UTF-16 offset of each scalar, plus one past the end.
    private let offsets: [Int]
    private var index = 0

    init(_ source: String) {
        self.scalars = Array(source.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(self.scalars.count + 1)
        var offset = 0
        for scalar in self.scalars {
            offsets.append(offset)
            offset += scalar.utf16.count
        }
        offsets.append(offset)
        self.offsets = offsets
    }

    /// All tokens, ending with `.end`.
    mutating func tokens() throws(FormulaProblem) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try self.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func span(_ start: Int) -> Range<Int> { self.offsets[start]..<self.offsets[self.index] }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        self.index + ahead < self.scalars.count ? self.scalars[self.index + ahead] : nil
    }

    private mutating func next() throws(FormulaProblem) -> Token {
        while let scalar = self.peek(), scalar.properties.isWhitespace { self.index += 1 }
        let start = self.index
        guard let scalar = self.peek() else { return Token(kind: .end, span: self.span(start)) }
        switch scalar {
        case "0"..."9":
            return Token(kind: .number(try self.number()), span: self.span(start))
        case "." where self.peek(1).map({ ("0"..."9").contains($0) }) == true:
            return Token(kind: .number(try self.number()), span: self.span(start))
        case "\"", "'", "“", "”", "‘", "’":
            return Token(kind: .text(try self.quoted(scalar)), span: self.span(start))
        case "{":
            return Token(kind: .braced(try self.braced()), span: self.span(start))
        case "!", "<", ">":
            self.index += 1
            if self.peek() == "=" {
                self.index += 1
                return Token(kind: .symbol(String(scalar) + "="), span: self.span(start))
            }
            if scalar == "!" {
                throw FormulaProblem("Write != for “is not equal to”; a lone ! means nothing here.", self.span(start))
            }
            return Token(kind: .symbol(String(scalar)), span: self.span(start))
        case "+", "-", "*", "/", "&", "=", "(", ")", ",":
            self.index += 1
            return Token(kind: .symbol(String(scalar)), span: self.span(start))
        default:
            guard Self.isWordStart(scalar) else {
                self.index += 1
                throw FormulaProblem("The character “\(scalar)” cannot be used here.", self.span(start))
            }
            while let next = self.peek(), Self.isWordStart(next) || ("0"..."9").contains(next) { self.index += 1 }
            return Token(
                kind: .word(String(String.UnicodeScalarView(self.scalars[start..<self.index]))),
                span: self.span(start)
            )
        }
    }

    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic
    }

    private mutating func number() throws(FormulaProblem) -> Double {
        let start = self.index
        while let scalar = self.peek(), ("0"..."9").contains(scalar) { self.index += 1 }
        if self.peek() == ".", self.peek(1).map({ ("0"..."9").contains($0) }) == true || start < self.index {
            self.index += 1
            while let scalar = self.peek(), ("0"..."9").contains(scalar) { self.index += 1 }
        }
        if self.peek() == "e" || self.peek() == "E" {
            var ahead = 1
            if self.peek(1) == "+" || self.peek(1) == "-" { ahead = 2 }
            if let digit = self.peek(ahead), ("0"..."9").contains(digit) {
                self.index += ahead
                while let scalar = self.peek(), ("0"..."9").contains(scalar) { self.index += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(self.scalars[start..<self.index]))
        guard let value = Double(text), value.isFinite else {
            throw FormulaProblem("\(text) is not a number this formula can use.", self.span(start))
        }
        return value
    }

    /// A string in straight or curly quotes; `\"`, `\'`, `\\`, `\n`, `\t` are escapes.
    private mutating func quoted(_ opening: Unicode.Scalar) throws(FormulaProblem) -> String {
        let start = self.index
        let closing: Set<Unicode.Scalar> =
            switch opening {
            case "“", "”": ["”", "“"]
            case "‘", "’": ["’", "‘"]
            default: [opening]
            }
        self.index += 1
        var text = String.UnicodeScalarView()
        while let scalar = self.peek() {
            self.index += 1
            if closing.contains(scalar) { return String(text) }
            if scalar == "\\", let escaped = self.peek() {
                self.index += 1
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                default: text.append(escaped)
                }
            } else {
                text.append(scalar)
            }
        }
        throw FormulaProblem("This text is missing its closing quote.", self.span(start))
    }

    /// `{Field Name}`; `\}` and `\\` stand for themselves inside the braces.
    private mutating func braced() throws(FormulaProblem) -> String {
        let start = self.index
        self.index += 1
        var name = String.UnicodeScalarView()
        while let scalar = self.peek() {
            self.index += 1
            if scalar == "}" {
                let trimmed = String(name).trimmed
                guard !trimmed.isEmpty else { throw FormulaProblem("{} names no field.", self.span(start)) }
                return trimmed
            }
            if scalar == "\\", let escaped = self.peek(), escaped == "}" || escaped == "\\" {
                self.index += 1
                name.append(escaped)
            } else {
                name.append(scalar)
            }
        }
        throw FormulaProblem("This field name is missing its closing }.", self.span(start))
    }
}

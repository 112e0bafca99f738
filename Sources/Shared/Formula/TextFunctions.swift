import Foundation

/// Text functions. Positions count characters as people see them, starting at 1.
enum TextFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction("CONCATENATE(text, [text, …])", 1...FormulaFunction.variadic, [.text], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let text = values.map(\.text).joined()
            guard evaluator.spend(text.utf8.count / 64) else { throw evaluator.stopFault }
            return .text(text)
        },
        FormulaFunction("ENCODE_URL_COMPONENT(text)", 1...1, [.text], returns: .text) {
            _,
            values throws(FormulaFault) in
            var allowed = CharacterSet.alphanumerics.intersection(
                CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127))
            )
            allowed.insert(charactersIn: "-_.~")
            return .text(values[0].text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        },
        FormulaFunction("FIND(needle, haystack, [start])", 2...3, [.text, .text, .number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let start = values.count > 2 ? try values[2].requireInteger() : 1
            return .number(
                Double(Self.position(of: values[0].text, in: values[1].text, from: start, ignoringCase: false) ?? 0)
            )
        },
        FormulaFunction("LEFT(text, count)", 2...2, [.text, .number], returns: .text) {
            _,
            values throws(FormulaFault) in
            .text(String(values[0].text.prefix(try Self.count(values[1]))))
        },
        FormulaFunction("LEN(text)", 1...1, [.text], returns: .number) { _, values throws(FormulaFault) in
            .number(Double(values[0].text.count))
        },
        FormulaFunction("LOWER(text)", 1...1, [.text], returns: .text) { _, values throws(FormulaFault) in
            .text(values[0].text.lowercased())
        },
        FormulaFunction("MID(text, start, count)", 3...3, [.text, .number, .number], returns: .text) {
            _,
            values throws(FormulaFault) in
            let characters = Array(values[0].text)
            let start = max(1, try values[1].requireInteger()) - 1
            let count = try Self.count(values[2])
            guard start < characters.count else { return .text("") }
            return .text(String(characters[start..<min(characters.count, start + count)]))
        },
        FormulaFunction(
            "REPLACE(text, start, count, replacement)",
            4...4,
            [.text, .number, .number, .text],
            returns: .text
        ) { _, values throws(FormulaFault) in
            let characters = Array(values[0].text)
            let start = min(characters.count, max(1, try values[1].requireInteger()) - 1)
            let end = min(characters.count, start + (try Self.count(values[2])))
            return .text(String(characters[..<start]) + values[3].text + String(characters[end...]))
        },
        FormulaFunction("REPT(text, times)", 2...2, [.text, .number], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let text = values[0].text
            let times = try Self.count(values[1])
            let length = text.utf16.count * times
            guard length <= evaluator.limits.maxTextLength else {
                throw FormulaFault(
                    .error,
                    "The text would be longer than \(evaluator.limits.maxTextLength) characters."
                )
            }
            guard evaluator.spend(length / 64) else { throw evaluator.stopFault }
            return .text(String(repeating: text, count: times))
        },
        FormulaFunction("RIGHT(text, count)", 2...2, [.text, .number], returns: .text) {
            _,
            values throws(FormulaFault) in
            .text(String(values[0].text.suffix(try Self.count(values[1]))))
        },
        FormulaFunction("SEARCH(needle, haystack, [start])", 2...3, [.text, .text, .number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let start = values.count > 2 ? try values[2].requireInteger() : 1
            guard let found = Self.position(of: values[0].text, in: values[1].text, from: start, ignoringCase: true)
            else { return .blank }
            return .number(Double(found))
        },
        FormulaFunction("SUBSTITUTE(text, old, new, [index])", 3...4, [.text, .text, .text, .number], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let (text, old, new) = (values[0].text, values[1].text, values[2].text)
            guard !old.isEmpty else { return .text(text) }
            let characters = Array(text)
            let occurrences = TextSearch(Array(old)).occurrences(in: characters)
            guard evaluator.spend(occurrences.count) else { throw evaluator.stopFault }
            let chosen: ArraySlice<Int>
            if values.count > 3, !values[3].isEmpty {
                let index = try values[3].requireInteger()
                guard index >= 1, index <= occurrences.count else { return .text(text) }
                chosen = occurrences[(index - 1)...(index - 1)]
            } else {
                chosen = occurrences[...]
            }
            let length = text.utf16.count + chosen.count * (new.utf16.count - old.utf16.count)
            guard length <= evaluator.limits.maxTextLength else {
                throw FormulaFault(
                    .error,
                    "The text would be longer than \(evaluator.limits.maxTextLength) characters."
                )
            }
            let oldCount = old.count
            var result = ""
            var copied = 0
            for start in chosen {
                result += String(characters[copied..<start])
                result += new
                copied = start + oldCount
            }
            result += String(characters[copied...])
            return .text(result)
        },
        FormulaFunction("T(value)", 1...1, returns: .text) { _, values throws(FormulaFault) in
            if case .text = values[0] { return values[0] }
            return .blank
        },
        FormulaFunction("TRIM(text)", 1...1, [.text], returns: .text) { _, values throws(FormulaFault) in
            .text(values[0].text.trimmed)
        },
        FormulaFunction("UPPER(text)", 1...1, [.text], returns: .text) { _, values throws(FormulaFault) in
            .text(values[0].text.uppercased())
        },
    ]

    /// A count of characters: negative counts are an error, as Airtable shows them.
    static func count(_ value: FormulaValue) throws(FormulaFault) -> Int {
        let count = try value.requireInteger()
        guard count >= 0 else { throw FormulaFault(.error, "A count of characters cannot be negative (\(count)).") }
        return count
    }

    /// The 1-based position of `needle` in `haystack` at or after `start`, or nil.
    static func position(of needle: String, in haystack: String, from start: Int, ignoringCase: Bool) -> Int? {
        let characters = Array(ignoringCase ? haystack.lowercased() : haystack)
        let target = Array(ignoringCase ? needle.lowercased() : needle)
        let first = max(0, start - 1)
        guard first <= characters.count else { return nil }
        if target.isEmpty { return first + 1 }
        return TextSearch(target).occurrences(in: characters, from: first, limit: 1).first.map { $0 + 1 }
    }
}

/// `REGEX_MATCH`, `REGEX_EXTRACT` and `REGEX_REPLACE` over RE2, which matches in linear time.
/// Replacements name groups as Airtable does: `$1`, `$&` for the whole match, `$$` for `$`.
enum RegexFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction("REGEX_MATCH(text, pattern)", 2...2, [.text, .pattern], returns: .boolean) {
            evaluator,
            values throws(FormulaFault) in
            let (pattern, text) = try Self.prepare(&evaluator, values)
            return .boolean(!pattern.matches(in: text, limit: 1).isEmpty)
        },
        FormulaFunction("REGEX_EXTRACT(text, pattern)", 2...2, [.text, .pattern], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let (pattern, text) = try Self.prepare(&evaluator, values)
            guard let match = pattern.matches(in: text, limit: 1).first, let whole = match[0] else { return .blank }
            return .text(String(decoding: text[whole], as: UTF8.self))
        },
        FormulaFunction("REGEX_REPLACE(text, pattern, replacement)", 3...3, [.text, .pattern, .text], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let (pattern, text) = try Self.prepare(&evaluator, values)
            let replacement = Array(values[2].text.utf8)
            var result: [UInt8] = []
            var copied = 0
            var failure: FormulaFault?
            // Each match costs its groups and the replacement it writes, charged as it is found.
            let cost = pattern.groupCount + 1 + replacement.count / 16
            pattern.forEachMatch(in: text) { match in
                guard evaluator.spend(cost) else {
                    failure = evaluator.stopFault
                    return false
                }
                guard let whole = match[0] else { return true }
                result += text[copied..<whole.lowerBound]
                result += Self.expand(replacement, match, text)
                copied = whole.upperBound
                guard result.count <= evaluator.limits.maxTextLength * 4 else {
                    failure = FormulaFault(
                        .error,
                        "The text would be longer than \(evaluator.limits.maxTextLength) characters."
                    )
                    return false
                }
                return true
            }
            if let failure { throw failure }
            result += text[copied...]
            return .text(String(decoding: result, as: UTF8.self))
        },
    ]

    private static func prepare(
        _ evaluator: inout FormulaEvaluator,
        _ values: [FormulaValue]
    ) throws(FormulaFault) -> (RE2Pattern, [UInt8]) {
        let text = values[0].text
        guard text.utf16.count <= evaluator.limits.maxTextLength else {
            throw FormulaFault(.error, "The text is too long to search with a regular expression.")
        }
        guard evaluator.spend(text.utf8.count / 16 + 1) else { throw evaluator.stopFault }
        return (try RE2Pattern.compiled(values[1].text, limits: evaluator.limits), Array(text.utf8))
    }

    /// The replacement with `$n`, `$&` and `$$` filled in from one match.
    private static func expand(_ replacement: [UInt8], _ match: [Range<Int>?], _ text: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < replacement.count {
            let byte = replacement[index]
            guard byte == UInt8(ascii: "$"), index + 1 < replacement.count else {
                output.append(byte)
                index += 1
                continue
            }
            let next = replacement[index + 1]
            if next == UInt8(ascii: "$") {
                output.append(byte)
                index += 2
            } else if next == UInt8(ascii: "&") {
                if let whole = match[0] { output += text[whole] }
                index += 2
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                var end = index + 1
                var number = 0
                // Two digits when such a group exists ($12), else one.
                while end < replacement.count, end < index + 3,
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(replacement[end])
                {
                    let candidate = number * 10 + Int(replacement[end] - UInt8(ascii: "0"))
                    guard candidate < match.count else { break }
                    number = candidate
                    end += 1
                }
                if end == index + 1 || number == 0 {
                    output.append(byte)
                    index += 1
                } else {
                    if let group = match[number] { output += text[group] }
                    index = end
                }
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }
}

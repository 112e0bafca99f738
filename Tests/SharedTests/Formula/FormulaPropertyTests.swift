import Foundation
import PropertyBased
import Testing

@testable import Shared

/// Random formulas: printing and parsing agree, the parser survives any input, and evaluation
/// of well-typed formulas never crashes and stays inside the sandbox.
@Suite struct FormulaPropertyTests {
    static let oddCharacters: [Character] = [
        "a", "Z", " ", "\"", "'", "\\", "{", "}", "\n", "\t", "é", "😀", "&", "(", ",", "$", "1",
    ]

    static func randomText(_ rng: inout Xoshiro, _ maximum: Int = 6) -> String {
        String(
            (0..<Int.random(in: 0...maximum, using: &rng)).map { _ in Self.oddCharacters.randomElement(using: &rng)! }
        )
    }

    /// Any tree: random operators, functions by name (valid or not), odd text and field names.
    static func anyTree(_ depth: Int, _ rng: inout Xoshiro) -> FormulaExpression {
        func node(_ node: FormulaNode) -> FormulaExpression { FormulaExpression(node, 0..<0) }
        let choice = depth > 4 ? Int.random(in: 0...3, using: &rng) : Int.random(in: 0...6, using: &rng)
        switch choice {
        case 0:
            let numbers: [Double] = [0, 1, 0.5, 1e-7, 123_456_789_012, 1e21, 3.14159, 1e300]
            return node(.number(numbers.randomElement(using: &rng)!))
        case 1: return node(.text(Self.randomText(&rng)))
        case 2: return node(.boolean(Bool.random(using: &rng)))
        case 3:
            var name = Self.randomText(&rng).trimmed
            if name.isEmpty { name = "x" }
            return node(.field(name))
        case 4: return node(.negate(Self.anyTree(depth + 1, &rng)))
        case 5:
            return node(
                .binary(
                    FormulaOperator.allCases.randomElement(using: &rng)!,
                    Self.anyTree(depth + 1, &rng),
                    Self.anyTree(depth + 1, &rng)
                )
            )
        default:
            let name = (Array(FormulaFunctions.all.keys) + ["FOO", "X_1"]).randomElement(using: &rng)!
            return node(
                .call(name, (0..<Int.random(in: 0...3, using: &rng)).map { _ in Self.anyTree(depth + 1, &rng) })
            )
        }
    }

    @Test func printThenParseIsStable() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 17, 19, 23))
            let printed = FormulaPrinter.print(Self.anyTree(0, &rng))
            do {
                let reparsed = try FormulaParser.parse(printed)
                #expect(FormulaPrinter.print(reparsed) == printed)
            } catch {
                Issue.record("\(printed) did not parse: \(error)")
            }
        }
    }

    @Test func randomBytesNeverCrashTheParser() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 29, 31, 37))
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? FormulaParser.parse(String(decoding: bytes, as: UTF8.self))
            let alphabet = Array(#"{}()"',\+-*/&=!<>.e1 aA_TRUE()IF(SUM("#)
            let source = String(
                (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            )
            if let compiled = try? FormulaChecker.check(source, fields: FormulaFixture.catalog) {
                _ = compiled.evaluate(FormulaFixture.context())
            }
        }
    }

    // Well-typed trees, built per type from the fixture's fields.
    enum Kind: CaseIterable { case number, text, date, boolean, array }

    static func typed(_ kind: Kind, _ depth: Int, _ rng: inout Xoshiro) -> String {
        func pick(_ options: [String]) -> String { options.randomElement(using: &rng)! }
        func sub(_ kind: Kind) -> String { Self.typed(kind, depth + 1, &rng) }
        let leaf = depth >= 4 || Int.random(in: 0...3, using: &rng) == 0
        switch kind {
        case .number:
            if leaf { return pick(["{Amount}", "{Zero}", "{Price}", "{Empty}", "3", "0.5", "-2", "1000000"]) }
            switch Int.random(in: 0...9, using: &rng) {
            case 0: return "(\(sub(.number)) \(pick(["+", "-", "*", "/"])) \(sub(.number)))"
            case 1: return "ROUND(\(sub(.number)), \(Int.random(in: -2...3, using: &rng)))"
            case 2: return "LEN(\(sub(.text)))"
            case 3: return "DATETIME_DIFF(\(sub(.date)), \(sub(.date)), \"\(pick(["days", "M", "h", "y", "w"]))\")"
            case 4: return "IF(\(sub(.boolean)), \(sub(.number)), \(sub(.number)))"
            case 5: return "SUM(\(sub(.array)), \(sub(.number)))"
            case 6: return "POWER(\(sub(.number)), \(Int.random(in: -3...3, using: &rng)))"
            case 7: return "FIND(\(sub(.text)), \(sub(.text)))"
            case 8: return "YEAR(\(sub(.date)))"
            default: return "MOD(\(sub(.number)), \(sub(.number)))"
            }
        case .text:
            if leaf { return pick(["{Name}", "{Stage}", "{Empty}", "\"\"", "\"a,b\"", "\"😀 é\"", "{Numeric Text}"]) }
            switch Int.random(in: 0...9, using: &rng) {
            case 0: return "\(sub(.text)) & \(sub(.number))"
            case 1: return "LEFT(\(sub(.text)), \(Int.random(in: 0...5, using: &rng)))"
            case 2: return "UPPER(\(sub(.text)))"
            case 3: return "SUBSTITUTE(\(sub(.text)), \"a\", \(sub(.text)))"
            case 4:
                return
                    "DATETIME_FORMAT(\(sub(.date)), \"\(pick(["YYYY-MM-DD", "LLLL", "Do MMM", "h:mm a Z", "[Q]Q"]))\")"
            case 5: return "REGEX_REPLACE(\(sub(.text)), \"\(pick(["a+", "(.)(.)", "^", "\\\\s*", ".*"]))\", \"$1-\")"
            case 6: return "ARRAYJOIN(\(sub(.array)), \"|\")"
            case 7: return "REPT(\(sub(.text)), \(sub(.number)))"
            case 8: return "MID(\(sub(.text)), \(sub(.number)), \(sub(.number)))"
            default: return "IF(\(sub(.boolean)), \(sub(.text)), \(sub(.text)))"
            }
        case .date:
            if leaf { return pick(["{Close Date}", "{Meeting}", "{Start}", "TODAY()", "NOW()", "\"2024-02-29\""]) }
            switch Int.random(in: 0...4, using: &rng) {
            case 0:
                return
                    "DATEADD(\(sub(.date)), \(sub(.number)), \"\(pick(["days", "months", "Q", "ms", "minutes", "years"]))\")"
            case 1:
                return
                    "SET_TIMEZONE(\(sub(.date)), \"\(pick(["America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"]))\")"
            case 2: return "WORKDAY(\(sub(.date)), \(sub(.number)))"
            case 3: return "DATETIME_PARSE(\(sub(.text)))"
            default: return "IF(\(sub(.boolean)), \(sub(.date)), \(sub(.date)))"
            }
        case .boolean:
            if leaf { return pick(["{Flag}", "TRUE()", "FALSE", "{Empty}"]) }
            switch Int.random(in: 0...5, using: &rng) {
            case 0: return "\(sub(.number)) \(pick(["=", "!=", "<", ">=", ">", "<="])) \(sub(.number))"
            case 1: return "AND(\(sub(.boolean)), \(sub(.boolean)))"
            case 2: return "NOT(\(sub(.boolean)))"
            case 3: return "REGEX_MATCH(\(sub(.text)), \"\(pick(["^A", "(a+)+$", "[0-9]{2,}", ""]))\")"
            case 4: return "IS_AFTER(\(sub(.date)), \(sub(.date)))"
            default: return "ISERROR(\(sub(.number)))"
            }
        case .array:
            if leaf { return pick(["{Tags}", "{Scores}", "{Mixed}", "{Nested}", "{Dupes}"]) }
            switch Int.random(in: 0...3, using: &rng) {
            case 0: return "ARRAYUNIQUE(\(sub(.array)))"
            case 1: return "ARRAYSLICE(\(sub(.array)), \(Int.random(in: -3...3, using: &rng)))"
            case 2: return "ARRAYCOMPACT(\(sub(.array)))"
            default: return "ARRAYFLATTEN(\(sub(.array)))"
            }
        }
    }

    @Test func wellTypedFormulasEvaluateWithinTheLimits() async {
        var limits = FormulaLimits()
        limits.maxSteps = 2_000
        limits.maxTextLength = 5_000
        let sandbox = limits
        await propertyCheck(count: 1500, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 41, 43, 47))
            let source = Self.typed(Kind.allCases.randomElement(using: &rng)!, 0, &rng)
            do {
                let compiled = try FormulaChecker.check(source, fields: FormulaFixture.catalog, limits: sandbox)
                for zone in [FormulaFixture.utc, FormulaFixture.newYork] {
                    let value = compiled.evaluate(FormulaFixture.context(zone: zone, limits: sandbox))
                    if value.fault == nil { #expect(value.text.utf16.count <= sandbox.maxTextLength * 2, "\(source)") }
                }
            } catch {
                Issue.record("\(source) was refused: \(error)")
            }
        }
    }
}

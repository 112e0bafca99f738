import Foundation
import Testing

@testable import Shared

/// Formulas that cannot be saved: each problem names what is wrong and where.
@Suite struct FormulaCheckerTests {
    struct Refusal: CustomTestStringConvertible, Sendable {
        let formula: String
        let message: String
        /// The source text the problem points at.
        let at: String?
        var testDescription: String { self.formula }
    }

    static let refusals: [Refusal] = [
        .init(formula: "{Stag} & 1", message: "Unknown field {Stag}. Did you mean {Stage}?", at: "{Stag}"),
        .init(formula: "Amount + Amonut", message: "Unknown field {Amonut}. Did you mean {Amount}?", at: "Amonut"),
        .init(formula: "{Zebra}", message: "Unknown field {Zebra}.", at: "{Zebra}"),
        .init(
            formula: #"LEFT("a")"#,
            message: "LEFT takes 2 values — LEFT(text, count) — but was given 1.",
            at: #"LEFT("a")"#
        ),
        .init(formula: "FOO(1)", message: "Unknown function FOO.", at: "FOO"),
        .init(formula: "SUMM(1, 2)", message: "Unknown function SUMM. Did you mean SUM?", at: "SUMM"),
        .init(formula: "1 +", message: "The formula ends where a value was expected.", at: nil),
        .init(formula: "(1 + 2", message: "This ( is never closed.", at: "("),
        .init(formula: #""abc"#, message: "This text is missing its closing quote.", at: #""abc"#),
        .init(formula: "{Amount", message: "This field name is missing its closing }.", at: "{Amount"),
        .init(formula: "1 2", message: "Expected an operator such as & or + before this.", at: "2"),
        .init(formula: "1 + 2)", message: "This ) has no matching (.", at: ")"),
        .init(
            formula: #"DATEADD({Close Date}, 1, "fortnights")"#,
            message: "“fortnights” is not a unit of time",
            at: #""fortnights""#
        ),
        .init(
            formula: #"SET_TIMEZONE({Meeting}, "Mars/Olympus")"#,
            message: "“Mars/Olympus” is not a time zone",
            at: #""Mars/Olympus""#
        ),
        .init(formula: #"REGEX_MATCH("x", "(")"#, message: "The regular expression is not valid", at: #""(""#),
        .init(
            formula: #"REGEX_MATCH("x", "(a)\\1")"#,
            message: "The regular expression is not valid",
            at: #""(a)\\1""#
        ),
        .init(
            formula: #"DATEADD(5, 1, "days")"#,
            message: "DATEADD needs a date as its 1st value, but 5 is a number.",
            at: "5"
        ),
        .init(
            formula: "ROUND({Close Date}, 0)",
            message: "ROUND needs a number as its 1st value, but {Close Date} is a date.",
            at: "{Close Date}"
        ),
        .init(formula: #""abc" * 2"#, message: #""abc" is text, so it cannot be used with *"#, at: #""abc""#),
        .init(formula: "", message: "The formula is empty.", at: nil),
        .init(formula: "   ", message: "The formula is empty.", at: nil),
        .init(formula: "1 ! 2", message: "Write != for", at: "!"),
        .init(
            formula: #"LAST_MODIFIED_TIME("x")"#,
            message: "LAST_MODIFIED_TIME takes fields such as {Stage}",
            at: #""x""#
        ),
        .init(formula: "IF(1, 2, 3, 4)", message: "IF takes 2 to 3 values", at: nil),
        .init(formula: "1 + # 2", message: "The character “#” cannot be used here.", at: "#"),
        .init(formula: "{Close Date} * 2", message: "Dates cannot be used with *", at: nil),
        .init(formula: ")", message: "Expected a value, a field or a function before “)”.", at: ")"),
        .init(formula: "SUM(1,,2)", message: "A value is missing here in SUM( … ).", at: ","),
        .init(formula: "{}", message: "{} names no field.", at: "{}"),
        .init(formula: "AND()", message: "AND takes at least 1 value", at: nil),
        .init(formula: "TODAY(1)", message: "TODAY takes 0 values", at: nil),
        .init(formula: "-{Close Date}", message: "A date cannot be made negative.", at: nil),
        .init(formula: "1e999", message: "is not a number this formula can use", at: "1e999"),
    ]

    @Test(arguments: refusals) func refuses(_ refusal: Refusal) {
        #expect {
            _ = try FormulaChecker.check(refusal.formula, fields: FormulaFixture.catalog)
        } throws: { error in
            guard let problem = error as? FormulaProblem else { return false }
            let utf16 = Array(refusal.formula.utf16)
            let clamped = min(problem.span.lowerBound, utf16.count)..<min(problem.span.upperBound, utf16.count)
            let pointed = String(decoding: utf16[clamped], as: UTF16.self)
            let messageOK = problem.message.contains(refusal.message)
            let spanOK = refusal.at.map { pointed == $0 } ?? true
            if !messageOK || !spanOK { Issue.record("got “\(problem.message)” at “\(pointed)” (\(problem.span))") }
            return messageOK && spanOK
        }
    }

    @Test func spansCountUTF16UnitsAsTheBrowserDoes() throws {
        // "😀" is two UTF-16 units: the unknown field starts at offset 5, not 4.
        #expect {
            _ = try FormulaChecker.check(#""😀" & {Nope}"#, fields: FormulaFixture.catalog)
        } throws: { error in
            (error as? FormulaProblem)?.span == 7..<13
        }
    }

    @Test func limitsRefuseOverlongAndOverdeepFormulas() {
        var limits = FormulaLimits()
        limits.maxLength = 50
        #expect(throws: FormulaProblem.self) {
            try FormulaChecker.check(String(repeating: "1+", count: 30) + "1", fields: [], limits: limits)
        }
        let deep = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect {
            _ = try FormulaChecker.check(deep, fields: [])
        } throws: { error in
            (error as? FormulaProblem)?.message.contains("nests more than 64 levels") == true
        }
        let negations = String(repeating: "-", count: 5_000) + "1"
        #expect {
            _ = try FormulaChecker.check(negations, fields: [])
        } throws: { error in
            (error as? FormulaProblem)?.message.contains("nests more than") == true
        }
    }

    @Test func resultTypesAreInferred() throws {
        let expectations: [(String, FormulaType)] = [
            ("{Amount} * 2", .number), (#"IF(1, "a", 2)"#, .text), ("TODAY()", .date), ("NOW()", .datetime),
            (#"DATEADD({Close Date}, 1, "days")"#, .date), (#"DATEADD({Meeting}, 1, "days")"#, .datetime),
            ("{Amount} > 1", .boolean),
            ("ARRAYUNIQUE({Tags})", .array), ("BLANK()", .text), ("IF(1, {Close Date})", .date),
            (#"{Name} & """#, .text),
            ("{Start} - {Close Date}", .number), ("{Close Date} + 3", .date), (#"SWITCH(1, 1, "a", 2, "b")"#, .text),
            (#"SWITCH(1, 1, 2, 3)"#, .number), ("IF(1, {Close Date}, {Meeting})", .datetime),
            ("IF(1, {Close Date}, 3)", .text),
        ]
        for (formula, type) in expectations {
            #expect(try FormulaChecker.check(formula, fields: FormulaFixture.catalog).resultType == type, "\(formula)")
        }
    }

    @Test func dependenciesAreTheFieldsReadInOrder() throws {
        let compiled = try FormulaChecker.check(
            "{Amount} * Quantity + {amount} + LEN({Name})",
            fields: FormulaFixture.catalog
        )
        #expect(compiled.dependencies == ["amount", "quantity", "name"])
        #expect(compiled.references.map(\.span) == [0..<8, 11..<19, 22..<30, 37..<43])
    }
}

/// The sandbox: a limit hit while running is a cell error, never a crash or a hung request.
@Suite struct FormulaLimitsTests {
    @Test func overlongTextIsACellError() throws {
        let value = try FormulaFixture.run(#"REPT("x", 1000000)"#)
        #expect(value.fault?.reason.contains("longer than") == true)
        let doubled = try FormulaFixture.run(#"REPT("x", 60000) & REPT("y", 60000)"#)
        #expect(doubled.fault != nil)
    }

    @Test func catastrophicPatternsRunInLinearTime() throws {
        let value = try FormulaFixture.run(#"REGEX_MATCH(REPT("a", 20000) & "!", "(a+)+$")"#)
        #expect(value == .boolean(false))
        let nested = try FormulaFixture.run(#"REGEX_MATCH(REPT("x", 20000), "(x+x+)+y")"#)
        #expect(nested == .boolean(false))
    }

    @Test func stepLimitStopsARunawayFormula() throws {
        var limits = FormulaLimits()
        limits.maxSteps = 50
        let formula = Array(repeating: "1", count: 60).joined(separator: " + ")
        let value = try FormulaFixture.run(formula, limits: limits)
        #expect(value.fault?.reason.contains("more than 50 steps") == true)
        let workday = try FormulaFixture.run(#"WORKDAY("2026-01-01", 100000000)"#)
        #expect(workday.fault?.reason.contains("steps") == true)
    }

    @Test func isErrorCannotHideAnExhaustedBudget() throws {
        var limits = FormulaLimits()
        limits.maxSteps = 40
        let formula = "IF(ISERROR(" + Array(repeating: "1", count: 60).joined(separator: " + ") + "), 1, 2)"
        #expect(try FormulaFixture.run(formula, limits: limits).fault != nil)
    }
}

import Foundation

@testable import Shared

/// One record and its fields, the same for every table-driven formula case.
enum FormulaFixture {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
    /// Tuesday 2026-11-24 10:15:30 UTC.
    static let now = ISO8601.date("2026-11-24T10:15:30Z")!

    static func day(_ text: String) -> FormulaValue { .date(FormulaDate.day(text)!) }
    static func instant(_ text: String) -> FormulaValue { .date(FormulaDate(ISO8601.date(text)!, hasTime: true)) }

    static let fields: [(FormulaField, FormulaValue)] = [
        (FormulaField(key: "name", label: "Name", type: .text), .text("Acme Capital")),
        (FormulaField(key: "amount", label: "Amount", type: .number), .number(1_500_000)),
        (FormulaField(key: "zero", label: "Zero", type: .number), .number(0)),
        (FormulaField(key: "empty", label: "Empty", type: .text), .blank),
        (FormulaField(key: "stage", label: "Stage", type: .text), .text("Committed")),
        (FormulaField(key: "tags", label: "Tags", type: .array), .array([.text("LP"), .text("Family Office")])),
        (FormulaField(key: "close_date", label: "Close Date", type: .date), day("2026-03-15")),
        (FormulaField(key: "meeting", label: "Meeting", type: .datetime), instant("2026-03-08T14:30:00Z")),
        (FormulaField(key: "flag", label: "Flag", type: .boolean), .boolean(true)),
        (FormulaField(key: "scores", label: "Scores", type: .array), .array([.number(1), .number(2), .number(3)])),
        (
            FormulaField(key: "mixed", label: "Mixed", type: .array),
            .array([.text(""), .blank, .boolean(false), .text(" "), .text("a")])
        ),
        (FormulaField(key: "numeric_text", label: "Numeric Text", type: .text), .text("42")),
        (FormulaField(key: "price", label: "Price", type: .number), .number(12.5)),
        (FormulaField(key: "quantity", label: "Quantity", type: .number), .number(4)),
        (
            FormulaField(key: "nested", label: "Nested", type: .array),
            .array([.array([.number(1), .number(2)]), .array([.number(3)])])
        ),
        (
            FormulaField(key: "dupes", label: "Dupes", type: .array),
            .array(["A", "B", "A", "C", "B"].map { .text($0) })
        ),
        (FormulaField(key: "letters", label: "Letters", type: .array), .array(["A", "B", "C", "D"].map { .text($0) })),
        (FormulaField(key: "start", label: "Start", type: .date), day("2026-11-20")),
    ]

    static var catalog: [FormulaField] { Self.fields.map(\.0) }

    static func context(zone: TimeZone = utc, now: Date = now, limits: FormulaLimits = .standard) -> FormulaContext {
        FormulaContext(
            fields: Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.0.key, $0.1) }),
            recordID: "42",
            createdTime: ISO8601.date("2026-01-05T09:00:00Z"),
            lastModifiedTime: ISO8601.date("2026-11-20T08:00:00Z"),
            fieldModifiedTimes: ["stage": ISO8601.date("2026-11-01T12:00:00Z")!],
            now: now,
            timeZone: zone,
            limits: limits
        )
    }

    /// Checks and evaluates `source` against the fixture record.
    static func run(
        _ source: String,
        zone: TimeZone = utc,
        now: Date = now,
        limits: FormulaLimits = .standard
    ) throws -> FormulaValue {
        let compiled = try FormulaChecker.check(source, fields: Self.catalog, limits: limits)
        return compiled.evaluate(Self.context(zone: zone, now: now, limits: limits))
    }

    /// A value written compactly for comparison: `"text"`, numbers as text, `TRUE`/`FALSE`, `BLANK`,
    /// dates as ISO text, lists in brackets, errors as the cell shows them.
    static func render(_ value: FormulaValue) -> String {
        switch value {
        case .blank: "BLANK"
        case .number(let number): FormulaValue.numberText(number)
        case .text(let text): "\"" + text + "\""
        case .boolean(let flag): flag ? "TRUE" : "FALSE"
        case .date(let date): date.isoText
        case .array(let items): "[" + items.map(Self.render).joined(separator: ", ") + "]"
        case .error(let fault): fault.display
        }
    }
}

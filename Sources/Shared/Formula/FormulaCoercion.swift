import Foundation

/// How values turn into one another, as Airtable does it: blank is 0 in arithmetic and "" in
/// text, TRUE is 1, numbers join text as they display, lists join with ", ".
extension FormulaValue {
    /// The value as a number, or the fault that explains why it is not one.
    func number() -> Result<Double, FormulaFault> {
        switch self {
        case .blank: return .success(0)
        case .number(let value): return .success(value)
        case .boolean(let value): return .success(value ? 1 : 0)
        case .text(let text):
            let trimmed = text.trimmed
            if trimmed.isEmpty { return .success(0) }
            if let value = Double(trimmed), value.isFinite { return .success(value) }
            return .failure(FormulaFault(.error, "“\(Self.short(text))” is text, not a number."))
        case .date:
            return .failure(
                FormulaFault(
                    .error,
                    "A date cannot be used as a number here; use DATETIME_DIFF to count between dates."
                )
            )
        case .array(let items):
            let present = items.filter { !$0.isEmpty }
            if present.isEmpty { return .success(0) }
            if present.count == 1 { return present[0].number() }
            return .failure(
                FormulaFault(.error, "A list of \(present.count) values cannot be used as one number; use SUM or MAX.")
            )
        case .error(let fault): return .failure(fault)
        }
    }

    /// The value as text.
    public var text: String {
        switch self {
        case .blank: ""
        case .number(let value): Self.numberText(value)
        case .boolean(let value): value ? "1" : "0"
        case .text(let text): text
        case .date(let date): date.isoText
        case .array(let items): items.map(\.text).joined(separator: ", ")
        case .error(let fault): fault.display
        }
    }

    /// True for anything but 0, "", blank and an empty list.
    var isTruthy: Bool {
        switch self {
        case .blank: false
        case .number(let value): value != 0 && !value.isNaN
        case .boolean(let value): value
        case .text(let text): !text.isEmpty
        case .date: true
        case .array(let items): items.contains { $0.isTruthy }
        case .error: false
        }
    }

    /// A number as Airtable writes it in text: integers without a point, otherwise the shortest
    /// decimal that reads back as the same number (as JavaScript writes it).
    static func numberText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), value.magnitude < 1e18 { return String(Int64(value)) }
        return String(value)
    }

    static func short(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }

    /// A finished number: NaN and infinities become the cell errors Airtable shows.
    static func finite(
        _ value: Double,
        _ reason: @autoclosure () -> String = "The result is not a number."
    ) -> FormulaValue {
        if value.isNaN { return .error(FormulaFault(.notANumber, reason())) }
        if value.isInfinite { return .error(FormulaFault(.infinity, "Division by zero (or by a blank field).")) }
        return .number(value == 0 ? 0 : value)
    }
}

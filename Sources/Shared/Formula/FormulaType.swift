/// The type a formula expression has before it runs, inferred when the formula is saved.
public enum FormulaType: String, Sendable, Equatable, Codable {
    case number, text, boolean, date, datetime, array, blank
    /// Not known until the formula runs (a branch mixing dates and numbers, an error).
    case any

    var isDate: Bool { self == .date || self == .datetime }

    /// How this type is named to users in messages.
    var noun: String {
        switch self {
        case .number: "a number"
        case .text: "text"
        case .boolean: "true/false"
        case .date: "a date"
        case .datetime: "a date and time"
        case .array: "a list"
        case .blank: "blank"
        case .any: "a value"
        }
    }

    /// The result type stored with the field: blank and unknown results read as text.
    public var resultType: FormulaType {
        switch self {
        case .blank, .any: .text
        default: self
        }
    }

    /// The type two branches (of `IF`, `SWITCH`) give together: numbers mixed with text render as text.
    static func join(_ types: [FormulaType]) -> FormulaType {
        let present = types.filter { $0 != .blank }
        guard let first = present.first else { return .blank }
        if present.allSatisfy({ $0 == first }) { return first }
        if present.allSatisfy(\.isDate) { return .datetime }
        if present.allSatisfy({ $0 == .number || $0 == .boolean }) { return .number }
        if present.allSatisfy({ $0 == .number || $0 == .boolean || $0 == .text }) { return .text }
        return .any
    }
}

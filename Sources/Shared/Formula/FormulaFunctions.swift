import Foundation

/// What a function's parameter accepts; the checker refuses a value that can never fit.
enum FormulaParameter: Sendable {
    case any, number, text, date
    /// A `DateUnit` name; a literal is checked when the formula is saved.
    case unit
    /// An IANA zone name such as `Europe/Paris`.
    case timeZone
    /// An RE2 pattern.
    case pattern
    /// A field reference itself, not its value (`LAST_MODIFIED_TIME`).
    case field
}

/// One function of the formula language.
struct FormulaFunction: Sendable {
    typealias Run = @Sendable (inout FormulaEvaluator, [FormulaValue]) throws(FormulaFault) -> FormulaValue

    let name: String
    /// How to call it, as the editor's autocomplete shows it.
    let signature: String
    let arity: ClosedRange<Int>
    /// One kind per position; the last one repeats for variadic functions.
    let parameters: [FormulaParameter]
    /// The result type from the arguments' types.
    let result: @Sendable ([FormulaType]) -> FormulaType
    let body: Run

    init(
        _ signature: String,
        _ arity: ClosedRange<Int>,
        _ parameters: [FormulaParameter] = [],
        result: @escaping @Sendable ([FormulaType]) -> FormulaType,
        _ body: @escaping Run
    ) {
        self.name = String(signature.prefix { $0 != "(" })
        self.signature = signature
        self.arity = arity
        self.parameters = parameters
        self.result = result
        self.body = body
    }

    init(
        _ signature: String,
        _ arity: ClosedRange<Int>,
        _ parameters: [FormulaParameter] = [],
        returns type: FormulaType,
        _ body: @escaping Run
    ) {
        self.init(signature, arity, parameters, result: { _ in type }, body)
    }

    func parameter(_ index: Int) -> FormulaParameter {
        self.parameters.isEmpty ? .any : self.parameters[min(index, self.parameters.count - 1)]
    }

    func run(_ evaluator: inout FormulaEvaluator, _ values: [FormulaValue]) -> FormulaValue {
        do {
            return try self.body(&evaluator, values)
        } catch {
            return .error(error)
        }
    }

    static let variadic = Int.max
}

/// Every function, by upper-case name.
enum FormulaFunctions {
    static let all: [String: FormulaFunction] = {
        let list =
            TextFunctions.list + LogicalFunctions.list + NumericFunctions.list + DateFunctions.list
            + ArrayFunctions.list
            + RecordFunctions.list + RegexFunctions.list
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()

    /// Names and signatures for the formula editor's autocomplete.
    static var signatures: [(name: String, signature: String)] {
        Self.all.values.map { ($0.name, $0.signature) }.sorted { $0.name < $1.name }
    }
}

/// Reading arguments: each throws the sentence a user sees in the cell.
extension FormulaValue {
    func requireNumber() throws(FormulaFault) -> Double {
        switch self.number() {
        case .success(let value): return value
        case .failure(let fault): throw fault
        }
    }

    func requireInteger() throws(FormulaFault) -> Int {
        let value = try self.requireNumber()
        guard value.magnitude < 1e12 else {
            throw FormulaFault(.error, "\(FormulaValue.numberText(value)) is too large a count.")
        }
        return Int(value.rounded(.towardZero))
    }

    /// The items of a list, or the value itself as a one-item list (blank: none).
    var items: [FormulaValue] {
        switch self {
        case .array(let items): items
        case .blank: []
        default: [self]
        }
    }

    /// All items, lists inside lists flattened.
    var flattened: [FormulaValue] {
        switch self {
        case .array(let items): items.flatMap(\.flattened)
        default: [self]
        }
    }
}

extension FormulaEvaluator {
    /// A date argument: blank (and empty text) is nil, text is read as a date.
    func date(_ value: FormulaValue) throws(FormulaFault) -> FormulaDate? {
        switch value {
        case .blank: return nil
        case .date(let date): return date
        case .text(let text):
            if text.trimmed.isEmpty { return nil }
            guard let date = MomentParse.guess(text, zone: self.zone, now: self.context.now) else {
                throw FormulaFault(.error, "“\(FormulaValue.short(text))” is not a date this formula can read.")
            }
            return date
        case .array(let items):
            let present = items.filter { !$0.isEmpty }
            if present.isEmpty { return nil }
            guard present.count == 1 else {
                throw FormulaFault(.error, "A list of \(present.count) dates cannot be used as one date.")
            }
            return try self.date(present[0])
        case .number, .boolean: throw FormulaFault(.error, "\(value.text) is a number, not a date.")
        case .error(let fault): throw fault
        }
    }

    func unit(_ value: FormulaValue?, default fallback: DateUnit) throws(FormulaFault) -> DateUnit {
        guard let value, !value.isEmpty else { return fallback }
        guard let unit = DateUnit(name: value.text) else {
            throw FormulaFault(
                .error,
                "“\(value.text)” is not a unit of time; use days, weeks, months, years, hours, minutes or seconds."
            )
        }
        return unit
    }
}

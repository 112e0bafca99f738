import Foundation

/// Runs a checked formula against one record. Every expression and every unit of work inside a
/// function counts as a step, and the clock is read every few hundred steps; past the step limit
/// or the record's deadline the cell becomes an error, so no formula can run away with a
/// request or hold the write lock for long.
public struct FormulaEvaluator {
    let context: FormulaContext
    private(set) var steps = 0
    private var exhausted: FormulaFault?
    private let deadline: ContinuousClock.Instant
    private var nextClockCheck = Self.clockInterval

    /// Steps between two readings of the clock.
    static let clockInterval = 256

    /// The value of `expression` (field references by key) for `context`.
    public static func evaluate(_ expression: FormulaExpression, _ context: FormulaContext) -> FormulaValue {
        var evaluator = FormulaEvaluator(context: context)
        let value = evaluator.evaluate(expression)
        if let fault = evaluator.exhausted { return .error(fault) }
        return value
    }

    init(context: FormulaContext) {
        self.context = context
        self.deadline = context.deadline ?? ContinuousClock.now.advanced(by: context.limits.maxRecordDuration)
    }

    static func exhaustedFault(_ limits: FormulaLimits) -> FormulaFault {
        FormulaFault(.error, "The formula needs more than \(limits.maxSteps) steps for this record, so it was stopped.")
    }

    static func overtimeFault(_ limits: FormulaLimits) -> FormulaFault {
        let milliseconds = Int(limits.maxRecordDuration / .milliseconds(1))
        return FormulaFault(
            .error,
            "The formula took longer than \(milliseconds) ms for this record, so it was stopped."
        )
    }

    /// The fault that stopped evaluation, for a function that gives up on a spent budget.
    var stopFault: FormulaFault { self.exhausted ?? Self.exhaustedFault(self.limits) }

    var zone: TimeZone { self.context.timeZone }
    var limits: FormulaLimits { self.context.limits }

    /// Counts `count` steps; false once the budget (steps or time) is spent.
    mutating func spend(_ count: Int = 1) -> Bool {
        guard self.exhausted == nil else { return false }
        self.steps += count
        if self.steps > self.context.limits.maxSteps {
            self.exhausted = Self.exhaustedFault(self.limits)
        } else if self.steps >= self.nextClockCheck {
            self.nextClockCheck = self.steps + Self.clockInterval
            if ContinuousClock.now >= self.deadline { self.exhausted = Self.overtimeFault(self.limits) }
        }
        return self.exhausted == nil
    }

    mutating func evaluate(_ expression: FormulaExpression) -> FormulaValue {
        guard self.spend() else { return .error(self.stopFault) }
        switch expression.node {
        case .number(let value): return .number(value)
        case .text(let value): return .text(value)
        case .boolean(let value): return .boolean(value)
        case .field(let key): return self.context.fields[key] ?? .blank
        case .negate(let operand):
            let value = self.evaluate(operand)
            if case .error = value { return value }
            switch value.number() {
            case .success(let number): return .number(-number == 0 ? 0 : -number)
            case .failure(let fault): return .error(fault)
            }
        case .binary(let op, let left, let right):
            let lhs = self.evaluate(left)
            if case .error = lhs { return lhs }
            let rhs = self.evaluate(right)
            if case .error = rhs { return rhs }
            return self.apply(op, lhs, rhs)
        case .call(let name, let arguments):
            return self.call(name, arguments)
        }
    }

    private mutating func call(_ name: String, _ arguments: [FormulaExpression]) -> FormulaValue {
        switch name {
        case "IF":
            let condition = self.evaluate(arguments[0])
            if case .error = condition { return condition }
            if condition.isTruthy { return self.evaluate(arguments[1]) }
            return arguments.count > 2 ? self.evaluate(arguments[2]) : .blank
        case "SWITCH":
            let subject = self.evaluate(arguments[0])
            if case .error = subject { return subject }
            var index = 1
            while index + 1 < arguments.count {
                let pattern = self.evaluate(arguments[index])
                if case .error = pattern { return pattern }
                if self.looselyEqual(subject, pattern) { return self.evaluate(arguments[index + 1]) }
                index += 2
            }
            return index < arguments.count ? self.evaluate(arguments[index]) : .blank
        case "ISERROR":
            let value = self.evaluate(arguments[0])
            return .boolean(value.fault != nil)
        case "LAST_MODIFIED_TIME":
            return RecordFunctions.lastModified(arguments, self.context)
        default:
            var values: [FormulaValue] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                let value = self.evaluate(argument)
                if case .error = value { return value }
                values.append(value)
            }
            guard let function = FormulaFunctions.all[name] else {
                return .error(FormulaFault(.error, "Unknown function \(name)."))
            }
            // Every function reads its arguments at least once: charge that before it runs.
            guard self.spend(values.reduce(0) { $0 + $1.size } / 64) else { return .error(self.stopFault) }
            let result = function.run(&self, values)
            if case .text(let text) = result, text.utf16.count > self.limits.maxTextLength {
                return .error(
                    FormulaFault(.error, "The text would be longer than \(self.limits.maxTextLength) characters.")
                )
            }
            return result
        }
    }

    /// A binary operator on two values that are not errors.
    private mutating func apply(_ op: FormulaOperator, _ lhs: FormulaValue, _ rhs: FormulaValue) -> FormulaValue {
        switch op {
        case .concatenate:
            let text = lhs.text + rhs.text
            guard self.spend(text.utf8.count / 64) else { return .error(self.stopFault) }
            guard text.utf16.count <= self.limits.maxTextLength else {
                return .error(
                    FormulaFault(.error, "The text would be longer than \(self.limits.maxTextLength) characters.")
                )
            }
            return .text(text)
        case .equal: return .boolean(self.looselyEqual(lhs, rhs))
        case .notEqual: return .boolean(!self.looselyEqual(lhs, rhs))
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let order = self.order(lhs, rhs) else { return .boolean(false) }
            switch op {
            case .less: return .boolean(order < 0)
            case .greater: return .boolean(order > 0)
            case .lessOrEqual: return .boolean(order <= 0)
            default: return .boolean(order >= 0)
            }
        case .add, .subtract, .multiply, .divide:
            return self.arithmetic(op, lhs, rhs)
        }
    }

    private func arithmetic(_ op: FormulaOperator, _ lhs: FormulaValue, _ rhs: FormulaValue) -> FormulaValue {
        // Dates: date ± number moves by days; date − date counts days between them.
        if case .date(let date) = lhs, op == .add || op == .subtract {
            if case .date(let other) = rhs {
                guard op == .subtract else {
                    return .error(FormulaFault(.error, "Two dates cannot be added; use DATEADD."))
                }
                return .number(date.instant.timeIntervalSince(other.instant) / 86_400)
            }
            switch rhs.number() {
            case .success(let days):
                return FormulaDateMath.add(date, op == .add ? days : -days, .days, zone: self.zone).map { .date($0) }
                    ?? .error(FormulaFault(.error, "The date would be out of range."))
            case .failure(let fault): return .error(fault)
            }
        }
        if case .date(let date) = rhs, op == .add, case .success(let days) = lhs.number() {
            return FormulaDateMath.add(date, days, .days, zone: self.zone).map { .date($0) }
                ?? .error(FormulaFault(.error, "The date would be out of range."))
        }
        let a: Double
        let b: Double
        switch (lhs.number(), rhs.number()) {
        case (.success(let x), .success(let y)): (a, b) = (x, y)
        case (.failure(let fault), _), (_, .failure(let fault)): return .error(fault)
        }
        switch op {
        case .add: return FormulaValue.finite(a + b)
        case .subtract: return FormulaValue.finite(a - b)
        case .multiply: return FormulaValue.finite(a * b)
        default:
            if b == 0 {
                return a == 0
                    ? .error(FormulaFault(.notANumber, "0 divided by 0 has no value."))
                    : .error(FormulaFault(.infinity, "Division by zero (or by a blank field)."))
            }
            return FormulaValue.finite(a / b)
        }
    }

    /// `=` as Airtable has it: blank equals 0 and "", numbers equal text that reads as them,
    /// dates equal text naming the same instant; text is compared exactly.
    func looselyEqual(_ lhs: FormulaValue, _ rhs: FormulaValue) -> Bool {
        switch (lhs, rhs) {
        case (.blank, .blank): return true
        case (.blank, let other), (let other, .blank): return other.isEmpty || other.numberIfNumeric == 0
        case (.text(let a), .text(let b)): return a == b
        case (.date(let a), .date(let b)): return a.instant == b.instant
        case (.date(let date), .text(let text)), (.text(let text), .date(let date)):
            guard let other = MomentParse.guess(text, zone: self.zone, now: self.context.now) else {
                return text == date.isoText
            }
            return other.instant == date.instant
        case (.array, _), (_, .array): return lhs.text == rhs.text
        default:
            if let a = lhs.numberIfNumeric, let b = rhs.numberIfNumeric { return a == b }
            return lhs.text == rhs.text
        }
    }

    /// The order of two values for `< > <= >=`: numbers and dates by value, text by text; nil
    /// when they cannot be ordered.
    func order(_ lhs: FormulaValue, _ rhs: FormulaValue) -> Int? {
        func sign(_ a: Double, _ b: Double) -> Int { a < b ? -1 : a > b ? 1 : 0 }
        switch (lhs, rhs) {
        case (.date(let a), .date(let b)): return sign(a.instant.timeIntervalSince1970, b.instant.timeIntervalSince1970)
        case (.date(let a), .text(let text)):
            guard let b = MomentParse.guess(text, zone: self.zone, now: self.context.now) else { return nil }
            return sign(a.instant.timeIntervalSince1970, b.instant.timeIntervalSince1970)
        case (.text(let text), .date(let b)):
            guard let a = MomentParse.guess(text, zone: self.zone, now: self.context.now) else { return nil }
            return sign(a.instant.timeIntervalSince1970, b.instant.timeIntervalSince1970)
        case (.date, _), (_, .date): return nil
        case (.text(let a), .text(let b)): return a < b ? -1 : a > b ? 1 : 0
        default:
            if let a = lhs.numberIfNumeric, let b = rhs.numberIfNumeric { return sign(a, b) }
            let (a, b) = (lhs.text, rhs.text)
            return a < b ? -1 : a > b ? 1 : 0
        }
    }
}

extension FormulaValue {
    /// Roughly how much work reading this value is: UTF-8 bytes of text, items of lists.
    var size: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .array(let items): items.reduce(items.count) { $0 + $1.size }
        default: 1
        }
    }

    /// The number this value is or reads as ("" and blank as 0); nil for other text and lists of several.
    var numberIfNumeric: Double? {
        switch self {
        case .number, .boolean, .blank: try? self.number().get()
        case .text(let text):
            text.trimmed.isEmpty ? 0 : Double(text.trimmed)
        case .array(let items) where items.count == 1: items[0].numberIfNumeric
        default: nil
        }
    }
}

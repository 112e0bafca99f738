import Foundation

/// Numeric functions, with Airtable's rounding: `ROUND` breaks ties toward positive infinity,
/// `ROUNDUP` rounds away from zero, `ROUNDDOWN` toward zero.
enum NumericFunctions {
    static let list: [FormulaFunction] = [
        unary("ABS(number)") { abs($0) },
        FormulaFunction("AVERAGE(number, [number, …])", 1...FormulaFunction.variadic, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let numbers = try Self.numbers(values)
            guard !numbers.isEmpty else { return .number(0) }
            return FormulaValue.finite(numbers.reduce(0, +) / Double(numbers.count))
        },
        FormulaFunction("CEILING(number, [significance])", 1...2, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let (value, step) = (try values[0].requireNumber(), values.count > 1 ? try values[1].requireNumber() : 1)
            guard step != 0 else { return .number(0) }
            return FormulaValue.finite(Self.snap(value / step).rounded(.up) * step)
        },
        FormulaFunction("FLOOR(number, [significance])", 1...2, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let (value, step) = (try values[0].requireNumber(), values.count > 1 ? try values[1].requireNumber() : 1)
            guard step != 0 else { return .number(0) }
            return FormulaValue.finite(Self.snap(value / step).rounded(.down) * step)
        },
        FormulaFunction("COUNT(value, [value, …])", 1...FormulaFunction.variadic, returns: .number) {
            _,
            values throws(FormulaFault) in
            .number(Double(values.flatMap(\.flattened).filter { if case .number = $0 { true } else { false } }.count))
        },
        FormulaFunction("COUNTA(value, [value, …])", 1...FormulaFunction.variadic, returns: .number) {
            _,
            values throws(FormulaFault) in
            .number(Double(values.flatMap(\.flattened).filter { !$0.isEmpty }.count))
        },
        FormulaFunction("COUNTALL(value, [value, …])", 1...FormulaFunction.variadic, returns: .number) {
            _,
            values throws(FormulaFault) in
            .number(Double(values.flatMap(\.flattened).count))
        },
        unary("EVEN(number)") { value in
            let up = (abs(value) / 2).rounded(.up) * 2
            return value < 0 ? -up : up
        },
        unary("EXP(power)") { exp($0) },
        unary("INT(number)") { $0.rounded(.down) },
        FormulaFunction("LOG(number, [base])", 1...2, [.number], returns: .number) { _, values throws(FormulaFault) in
            let value = try values[0].requireNumber()
            let base = values.count > 1 ? try values[1].requireNumber() : 10
            // log10 and log2 are exact at powers of their base, where log(x) / log(base) is not.
            let result = base == 10 ? log10(value) : base == 2 ? log2(value) : log(value) / log(base)
            return FormulaValue.finite(result, "The logarithm of \(FormulaValue.numberText(value)) has no value.")
        },
        FormulaFunction("MAX(number, [number, …])", 1...FormulaFunction.variadic, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            .number(try Self.numbers(values).max() ?? 0)
        },
        FormulaFunction("MIN(number, [number, …])", 1...FormulaFunction.variadic, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            .number(try Self.numbers(values).min() ?? 0)
        },
        FormulaFunction("MOD(number, divisor)", 2...2, [.number, .number], returns: .number) {
            _,
            values throws(FormulaFault) in
            let (value, divisor) = (try values[0].requireNumber(), try values[1].requireNumber())
            guard divisor != 0 else { throw FormulaFault(.notANumber, "MOD by 0 has no value.") }
            return FormulaValue.finite(fmod(value, divisor))
        },
        unary("ODD(number)") { value in
            var up = abs(value).rounded(.up)
            if up.truncatingRemainder(dividingBy: 2) == 0 { up += 1 }
            return value < 0 ? -up : up
        },
        FormulaFunction("POWER(base, power)", 2...2, [.number, .number], returns: .number) {
            _,
            values throws(FormulaFault) in
            FormulaValue.finite(
                pow(try values[0].requireNumber(), try values[1].requireNumber()),
                "This power has no real value."
            )
        },
        rounding("ROUND(number, precision)") { ($0 + 0.5).rounded(.down) },
        rounding("ROUNDUP(number, precision)") { $0 < 0 ? Self.snap($0).rounded(.down) : Self.snap($0).rounded(.up) },
        rounding("ROUNDDOWN(number, precision)") { Self.snap($0).rounded(.towardZero) },
        unary("SQRT(number)") { sqrt($0) },
        FormulaFunction("SUM(number, [number, …])", 1...FormulaFunction.variadic, [.number], returns: .number) {
            _,
            values throws(FormulaFault) in
            FormulaValue.finite(try Self.numbers(values).reduce(0, +))
        },
        FormulaFunction("VALUE(text)", 1...1, [.text], returns: .number) { _, values throws(FormulaFault) in
            let text = values[0].text
            let kept = String(
                text.unicodeScalars.filter { ("0"..."9").contains($0) || ".-+eE".unicodeScalars.contains($0) }
            )
            guard !kept.isEmpty else { return .blank }
            guard let number = Double(kept), number.isFinite else {
                throw FormulaFault(.notANumber, "“\(FormulaValue.short(text))” does not read as a number.")
            }
            return .number(number * (text.contains("%") ? 0.01 : 1))
        },
    ]

    private static func unary(
        _ signature: String,
        _ operation: @escaping @Sendable (Double) -> Double
    ) -> FormulaFunction {
        FormulaFunction(signature, 1...1, [.number], returns: .number) { _, values throws(FormulaFault) in
            FormulaValue.finite(
                operation(try values[0].requireNumber()),
                "\(signature.prefix { $0 != "(" }) of \(values[0].text) has no value."
            )
        }
    }

    /// A rounding function: `operation` rounds a value already scaled by the precision.
    private static func rounding(
        _ signature: String,
        _ operation: @escaping @Sendable (Double) -> Double
    ) -> FormulaFunction {
        FormulaFunction(signature, 2...2, [.number, .number], returns: .number) { _, values throws(FormulaFault) in
            let value = try values[0].requireNumber()
            let precision = try values[1].requireInteger()
            guard abs(precision) <= 15 else { return .number(value) }
            let scale = pow(10, Double(abs(precision)))
            let result = precision >= 0 ? operation(value * scale) / scale : operation(value / scale) * scale
            return FormulaValue.finite(result)
        }
    }

    /// A scaled value a hair away from an integer by binary fractions (1.1 × 10 = 11.000000000000002)
    /// is that integer, so rounding up or down does not jump a whole step.
    static func snap(_ value: Double) -> Double {
        let nearest = value.rounded()
        return abs(value - nearest) <= 1e-9 * max(1, abs(value)) ? nearest : value
    }

    /// Numbers among the arguments (lists flattened): blanks and non-numeric items of lists are
    /// passed over; a non-numeric text argument is an error.
    static func numbers(_ values: [FormulaValue]) throws(FormulaFault) -> [Double] {
        var numbers: [Double] = []
        for value in values {
            switch value {
            case .array:
                for item in value.flattened where !item.isEmpty {
                    if let number = item.numberIfNumeric { numbers.append(number) }
                }
            case .blank: continue
            default: numbers.append(try value.requireNumber())
            }
        }
        return numbers
    }
}

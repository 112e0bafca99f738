/// Logical functions. `IF`, `SWITCH` and `ISERROR` evaluate their arguments lazily in the
/// evaluator itself; their entries here give arity and result types.
enum LogicalFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction("AND(value, [value, …])", 1...FormulaFunction.variadic, returns: .boolean) {
            _,
            values throws(FormulaFault) in
            .boolean(values.flatMap(\.flattened).allSatisfy(\.isTruthy))
        },
        FormulaFunction("OR(value, [value, …])", 1...FormulaFunction.variadic, returns: .boolean) {
            _,
            values throws(FormulaFault) in
            .boolean(values.flatMap(\.flattened).contains(where: \.isTruthy))
        },
        FormulaFunction("XOR(value, [value, …])", 1...FormulaFunction.variadic, returns: .boolean) {
            _,
            values throws(FormulaFault) in
            .boolean(values.flatMap(\.flattened).filter(\.isTruthy).count % 2 == 1)
        },
        FormulaFunction("NOT(value)", 1...1, returns: .boolean) { _, values throws(FormulaFault) in
            .boolean(!values[0].isTruthy)
        },
        FormulaFunction(
            "IF(condition, value if true, [value if false])",
            2...3,
            result: { types in
                FormulaType.join(Array(types.dropFirst()) + (types.count == 2 ? [.blank] : []))
            }
        ) { _, _ throws(FormulaFault) in .blank },
        FormulaFunction(
            "SWITCH(expression, pattern, result, [pattern, result, …], [default])",
            3...FormulaFunction.variadic,
            result: { types in
                let outcomes = types.dropFirst().enumerated().filter {
                    $0.offset % 2 == 1 || $0.offset == types.count - 2
                }.map(\.element)
                return FormulaType.join(outcomes + (types.count % 2 == 1 ? [.blank] : []))
            }
        ) { _, _ throws(FormulaFault) in .blank },
        FormulaFunction("ISERROR(value)", 1...1, returns: .boolean) { _, _ throws(FormulaFault) in .boolean(false) },
        FormulaFunction("BLANK()", 0...0, returns: .blank) { _, _ throws(FormulaFault) in .blank },
        FormulaFunction("ERROR()", 0...0, returns: .any) { _, _ throws(FormulaFault) in
            throw FormulaFault(.error, "The formula called ERROR().")
        },
        FormulaFunction("TRUE()", 0...0, returns: .boolean) { _, _ throws(FormulaFault) in .boolean(true) },
        FormulaFunction("FALSE()", 0...0, returns: .boolean) { _, _ throws(FormulaFault) in .boolean(false) },
    ]
}

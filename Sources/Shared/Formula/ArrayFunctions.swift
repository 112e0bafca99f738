/// Functions over lists (multi-selects, links, lookups).
enum ArrayFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction("ARRAYCOMPACT(values)", 1...1, returns: .array) { evaluator, values throws(FormulaFault) in
            let items = values[0].items
            guard evaluator.spend(items.count) else { throw evaluator.stopFault }
            return .array(
                items.filter { item in
                    switch item {
                    case .blank: false
                    case .text(let text): !text.isEmpty
                    default: true
                    }
                }
            )
        },
        FormulaFunction("ARRAYFLATTEN(values)", 1...1, returns: .array) { evaluator, values throws(FormulaFault) in
            let items = values[0] == .blank ? [] : values[0].flattened
            guard evaluator.spend(items.count) else { throw evaluator.stopFault }
            return .array(items)
        },
        FormulaFunction("ARRAYJOIN(values, [separator])", 1...2, [.any, .text], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            let items = values[0].flattened
            guard evaluator.spend(items.count) else { throw evaluator.stopFault }
            let separator = values.count > 1 ? values[1].text : ", "
            return .text((values[0] == .blank ? [] : items).map(\.text).joined(separator: separator))
        },
        FormulaFunction("ARRAYUNIQUE(values)", 1...1, returns: .array) { evaluator, values throws(FormulaFault) in
            let items = values[0].items
            guard evaluator.spend(items.count * max(1, items.count) / 16 + 1) else { throw evaluator.stopFault }
            var unique: [FormulaValue] = []
            for item in items where !unique.contains(item) { unique.append(item) }
            return .array(unique)
        },
        FormulaFunction("ARRAYSLICE(values, start, [end])", 2...3, [.any, .number, .number], returns: .array) {
            _,
            values throws(FormulaFault) in
            let items = values[0].items
            func index(_ position: Int) -> Int { position < 0 ? items.count + position : position - 1 }
            let start = max(0, index(try values[1].requireInteger()))
            let end =
                values.count > 2 && !values[2].isEmpty
                ? min(items.count - 1, index(try values[2].requireInteger())) : items.count - 1
            guard start <= end, start < items.count else { return .array([]) }
            return .array(Array(items[start...end]))
        },
    ]
}

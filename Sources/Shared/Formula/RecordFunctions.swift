import Foundation

/// Functions about the record itself rather than its fields.
enum RecordFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction("RECORD_ID()", 0...0, returns: .text) { evaluator, _ throws(FormulaFault) in
            .text(evaluator.context.recordID)
        },
        FormulaFunction("CREATED_TIME()", 0...0, returns: .datetime) { evaluator, _ throws(FormulaFault) in
            evaluator.context.createdTime.map { .date(FormulaDate($0, hasTime: true)) } ?? .blank
        },
        FormulaFunction("LAST_MODIFIED_TIME([{field}, …])", 0...FormulaFunction.variadic, [.field], returns: .datetime)
        { _, _ throws(FormulaFault) in
            .blank
        },
    ]

    /// `LAST_MODIFIED_TIME()`: the record's last edit, or the latest edit of the named fields.
    static func lastModified(_ arguments: [FormulaExpression], _ context: FormulaContext) -> FormulaValue {
        let fallback = context.lastModifiedTime ?? context.createdTime
        guard !arguments.isEmpty else { return fallback.map { .date(FormulaDate($0, hasTime: true)) } ?? .blank }
        let times = arguments.compactMap { argument -> Date? in
            guard case .field(let key) = argument.node else { return nil }
            return context.fieldModifiedTimes[key] ?? fallback
        }
        return times.max().map { .date(FormulaDate($0, hasTime: true)) } ?? .blank
    }
}

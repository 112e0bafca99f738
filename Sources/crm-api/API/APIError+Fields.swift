import HTTPTypes
import Shared

extension FieldCatalog.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such field.")
        case .coreField: APIError(.conflict, "core_field", "Built-in fields cannot be deleted; hide them instead.")
        case .invalid(let problems):
            APIError(
                .unprocessableContent,
                "invalid_field",
                problems.values.sorted().joined(separator: " "),
                details: APIError.problems(problems)
            )
        case .formula(let problem):
            APIError(
                .unprocessableContent,
                "invalid_formula",
                problem.message,
                details: [
                    "start": .number(Double(problem.span.lowerBound)), "end": .number(Double(problem.span.upperBound)),
                ]
            )
        case .usedByFormulas(let labels):
            APIError(
                .conflict,
                "field_in_use",
                "This field is used by the formula\(labels.count == 1 ? "" : "s") \(labels.map { "{\($0)}" }.joined(separator: ", ")); change \(labels.count == 1 ? "it" : "them") first.",
                details: ["formulas": .array(labels.map(JSONValue.string))]
            )
        }
    }
}

extension FieldTypeChange.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .usedByViews(let names, let others):
            let named =
                names.isEmpty
                ? [] : ["the view\(names.count == 1 ? "" : "s") \(names.map { "“\($0)”" }.joined(separator: ", "))"]
            let counted = others == 0 ? [] : ["\(others) personal view\(others == 1 ? "" : "s") of other people"]
            return APIError(
                .conflict,
                "field_in_views",
                "\((named + counted).joined(separator: " and ").capitalizedFirst) filter on this field in a way the new type does not allow; they must change first.",
                details: ["views": .array(names.map(JSONValue.string)), "other_views": .number(Double(others))]
            )
        case .wouldLose(let preview):
            return APIError(
                .conflict,
                "values_would_be_lost",
                "\(preview.failed) value\(preview.failed == 1 ? "" : "s") cannot become \(preview.type.rawValue) and would be cleared; send \"confirm_loss\": true to go ahead (the old values stay in each record's history).",
                details: ["failed": .number(Double(preview.failed)), "converted": .number(Double(preview.converted))]
            )
        }
    }
}

extension String {
    /// The text with its first letter upper-cased.
    var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst() }
}

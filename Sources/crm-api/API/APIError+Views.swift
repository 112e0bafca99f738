import HTTPTypes
import Shared

extension ViewStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such view.")
        case .forbidden(let message): APIError(.forbidden, "forbidden", message)
        case .invalid(let problems): APIError.invalidView(problems)
        case .versionConflict(let current):
            APIError(
                .conflict,
                "version_conflict",
                "Someone else changed this view since you loaded it.",
                details: ["current_version": .number(Double(current))]
            )
        }
    }
}

extension RecordQuery.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalid(let error): APIError.invalidView(error.problems)
        case .badCursor: APIError(.badRequest, "invalid_cursor", "The cursor is not valid for this query.")
        }
    }
}

extension APIError {
    static func invalidView(_ problems: [String: String]) -> APIError {
        APIError(
            .unprocessableContent,
            "invalid_view",
            problems.sorted { $0.key < $1.key }.map(\.value).first ?? "The view is not valid.",
            details: APIError.problems(problems)
        )
    }
}

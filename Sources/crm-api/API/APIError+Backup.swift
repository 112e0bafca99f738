import HTTPTypes
import Shared

extension BackupPolicy.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalid(let problems):
            APIError(
                .unprocessableContent,
                "invalid_policy",
                "Some values were not accepted; nothing changed.",
                details: APIError.problems(problems)
            )
        }
    }
}

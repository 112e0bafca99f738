import HTTPTypes
import Shared

extension EmailAccountStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such team member.")
        case .syncOff:
            APIError(.conflict, "sync_off", "Mail sync is off for this member; turn it on first.")
        }
    }
}

import HTTPTypes
import Shared

extension MailQueueError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .noRecipients:
            APIError(
                .unprocessableContent,
                "invalid_request",
                "Name at least one recipient.",
                details: ["to": "Name at least one recipient."]
            )
        case .recipientsNotAllowed(let refused):
            APIError(
                .unprocessableContent,
                "recipients_not_allowed",
                "This mail goes only to the team's own accounts: test mail and digests to active admins, an invitation to the invited address.",
                details: ["to": .array(refused.map(JSONValue.string))]
            )
        case .invalidDraft(let reason):
            APIError(.unprocessableContent, "invalid_request", "The mail cannot be queued: \(reason).")
        }
    }
}

import HTTPTypes
import Shared

extension User.Role {
    /// A role named in a request, or 422 naming the field.
    static func parse(_ text: String) throws -> User.Role {
        guard let role = User.Role(rawValue: text) else {
            throw APIError(
                .unprocessableContent,
                "invalid_role",
                "The role must be admin or member.",
                details: ["role": "The role must be admin or member."]
            )
        }
        return role
    }
}

extension APIError {
    static let invalidName = APIError(
        .unprocessableContent,
        "invalid_name",
        PersonName.problem,
        details: ["name": .string(PersonName.problem)]
    )
}

extension UserStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such user.")
        case .lastAdmin:
            APIError(.conflict, "last_admin", "This is the last active admin. Make someone else an admin first.")
        }
    }
}

extension InviteStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such invite.")
        case .emailTaken: APIError(.conflict, "email_taken", "Someone already has an account with that email address.")
        case .accepted: APIError(.gone, "invite_used", "This invite was already used. Sign in instead.")
        case .expired: APIError(.gone, "invite_expired", "This invite has expired. Ask an admin for a new one.")
        case .revoked: APIError(.gone, "invite_revoked", "This invite was withdrawn. Ask an admin for a new one.")
        case .revokeAccepted:
            APIError(.conflict, "invite_accepted", "This invite was already accepted; deactivate the user instead.")
        }
    }
}

extension FeatureRequestStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such request.")
        case .forbidden(let message): APIError(.forbidden, "forbidden", message)
        case .invalid(let member, let message, let detail):
            APIError(.unprocessableContent, "invalid_request", message, details: .object([member: .string(detail)]))
        }
    }
}

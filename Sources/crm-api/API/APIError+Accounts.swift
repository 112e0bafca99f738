import HTTPTypes
import Shared

extension User.Role {
    /// A role named in a request, or 422 naming the field.
    static func parse(_ text: String) throws -> User.Role {
        guard let role = User.Role(rawValue: text) else {
            throw APIError(
                .unprocessableContent, "invalid_role", "The role must be admin or member.",
                details: ["role": "The role must be admin or member."])
        }
        return role
    }
}

extension APIError {
    static let invalidName = APIError(
        .unprocessableContent, "invalid_name", PersonName.problem, details: ["name": .string(PersonName.problem)])
}

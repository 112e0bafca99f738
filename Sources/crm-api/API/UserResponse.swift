import Foundation
import Hummingbird
import Shared

/// A user as the API shows it: never the password hash.
struct UserResponse: Encodable {
    let id: Int64
    let email: String
    let name: String
    let role: User.Role
    let active: Bool
    let mustChangePassword: Bool
    let createdAt: Date?
    let updatedAt: Date?

    init(_ user: User) {
        self.id = user.id ?? 0
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.active = user.active
        self.mustChangePassword = user.mustChangePassword
        self.createdAt = user.createdAt
        self.updatedAt = user.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, role, active
        case mustChangePassword = "must_change_password"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// `{"user": {...}}`
struct UserEnvelope: ResponseEncodable {
    let user: UserResponse
}

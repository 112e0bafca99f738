import Shared

/// The signed-in user of a request and the credential that proved it.
struct Identity: Sendable {
    enum Credential: Sendable, Equatable {
        case session(id: Int64)
        case apiToken(id: Int64)
    }

    let user: User
    let credential: Credential

    var userId: Int64 { self.user.id! }
    var isAdmin: Bool { self.user.role == .admin }
}

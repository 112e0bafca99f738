import Shared

/// The signed-in user of a request and the credential that proved it.
struct Identity: Sendable {
    enum Credential: Sendable, Equatable {
        case session(id: Int64)
        case apiToken(id: Int64)
    }

    let user: User
    let credential: Credential
    /// A read-only API token: GET and HEAD routes only.
    var readOnly = false

    var userId: Int64 { self.user.id! }
    var isAdmin: Bool { self.user.role == .admin }
}

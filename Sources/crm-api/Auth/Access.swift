import HTTPTypes
import Hummingbird
import Shared

/// Who may call a route. Every route is registered with one (see `GuardedRouter`).
enum Access: String, Sendable, CaseIterable {
    /// Anyone, signed in or not.
    case anyone
    /// A signed-in user, even one who must still replace a one-time password.
    case signedInPendingPassword
    /// A signed-in member or admin.
    case member
    /// A signed-in admin.
    case admin

    /// Throws 401 or 403 unless the request's identity meets this rule (a read-only token meets
    /// none for a method that writes).
    func check(_ context: AppRequestContext, method: HTTPRequest.Method) throws {
        if let identity = context.identity, identity.readOnly, method != .get, method != .head {
            throw APIError(
                .forbidden,
                "read_only_token",
                "This API token is read-only: it can read, not change anything."
            )
        }
        guard self != .anyone else { return }
        guard let identity = context.identity else {
            throw APIError(.unauthorized, "not_signed_in", "Please sign in first.")
        }
        if identity.user.mustChangePassword && self != .signedInPendingPassword {
            throw APIError(
                .forbidden,
                "password_change_required",
                "Please choose a new password before going on."
            )
        }
        if self == .admin && !identity.isAdmin {
            throw APIError(.forbidden, "forbidden", "Only an admin can do this.")
        }
    }
}

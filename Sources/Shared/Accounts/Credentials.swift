import Foundation
import GRDB

/// Everything that signs a user in: browser sessions and API tokens.
public enum Credentials {
    /// Ends every session and revokes every API token of a user (signing out everywhere, a
    /// password change or reset, a deactivation): none of the recovery steps leaves a token behind.
    /// `keepSession` is the session that asked, when it should stay signed in.
    public static func revokeAll(userId: Int64, keepSession: Int64? = nil, at now: Date, in db: Database) throws {
        try db.execute(
            sql: "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?",
            arguments: [now, userId, keepSession]
        )
        try db.execute(
            sql: "UPDATE api_tokens SET revoked_at = ?, updated_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            arguments: [now, now, userId]
        )
    }
}

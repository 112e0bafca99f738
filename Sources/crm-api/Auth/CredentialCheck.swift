import GRDB
import Shared

extension AppServices {
    /// Whether the credential that opened a long-lived request (an event stream) still holds: the
    /// session or API token neither revoked nor expired, its user active and not archived. Signing
    /// out everywhere, a password change or a deactivation thus also ends that user's open streams.
    func isStillSignedIn(_ identity: Identity) async throws -> Bool {
        let now = self.clock.now()
        return try await self.database.pool.read { db in
            switch identity.credential {
            case .session(let id):
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM sessions JOIN users ON users.id = sessions.user_id
                        WHERE sessions.id = ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?
                          AND sessions.absolute_expires_at > ? AND users.active = 1 AND users.deleted_at IS NULL)
                        """, arguments: [id, now, now]) ?? false
            case .apiToken(let id):
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM api_tokens JOIN users ON users.id = api_tokens.user_id
                        WHERE api_tokens.id = ? AND api_tokens.revoked_at IS NULL
                          AND users.active = 1 AND users.deleted_at IS NULL)
                        """, arguments: [id]) ?? false
            }
        }
    }
}

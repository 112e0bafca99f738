import Foundation
import GRDB
import Shared

/// Personal API tokens: `crm_…` bearer tokens for scripts, shown once, stored hashed.
struct APITokenStore: Sendable {
    static let tokenPrefix = "crm_"
    /// `last_used_at` is written at most this often.
    static let touchInterval: TimeInterval = 60

    let database: AppDatabase
    let clock: AppClock

    func create(userId: Int64, name: String) async throws -> (APIToken, SecretToken) {
        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let record = APIToken(
            userId: userId, name: name, tokenHash: token.hash, prefix: String(token.value.prefix(8)),
            createdAt: self.clock.now())
        let inserted = try await self.database.pool.write { db in try record.inserted(db) }
        return (inserted, token)
    }

    func list(userId: Int64) async throws -> [APIToken] {
        try await self.database.pool.read { db in
            try APIToken.filter(sql: "user_id = ? AND revoked_at IS NULL", arguments: [userId]).order(sql: "id").fetchAll(db)
        }
    }

    /// Revokes one of the user's own tokens; false when there is no such live token.
    func revoke(userId: Int64, tokenId: Int64) async throws -> Bool {
        let now = self.clock.now()
        return try await self.database.pool.write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                arguments: [now, tokenId, userId])
            return db.changesCount == 1
        }
    }

    /// Whether a token still signs its user in (what an open event stream asks again).
    func holds(tokenId: Int64) async throws -> Bool {
        try await self.database.pool.read { db in
            try Self.live(APIToken.filter(sql: "id = ?", arguments: [tokenId]), db) != nil
        }
    }

    /// The token found by `request` and its user, when the token is not revoked and the user is
    /// active and not archived.
    private static func live(_ request: QueryInterfaceRequest<APIToken>, _ db: Database) throws -> (APIToken, User)? {
        guard let record = try request.filter(sql: "revoked_at IS NULL").fetchOne(db),
            let user = try User.all().live().filter(sql: "id = ? AND active = 1", arguments: [record.userId]).fetchOne(db)
        else { return nil }
        return (record, user)
    }

    func authenticate(token: String) async throws -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix) else { return nil }
        let now = self.clock.now()
        let hash = SecretToken.hash(token)
        let found = try await self.database.pool.read { db in
            try Self.live(APIToken.filter(sql: "token_hash = ?", arguments: [hash]), db)
        }
        guard let (record, user) = found else { return nil }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            try await self.database.pool.write { db in
                try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now, record.id])
            }
        }
        return Identity(user: user, credential: .apiToken(id: record.id!))
    }
}

import Foundation
import GRDB
import Shared

/// Personal API tokens: `crm_…` bearer tokens for scripts, shown once, stored hashed; each may
/// expire and may be read-only.
struct APITokenStore: Sendable {
    static let tokenPrefix = "crm_"
    /// `last_used_at` is written at most this often.
    static let touchInterval: TimeInterval = 60

    let database: AppDatabase
    let clock: AppClock

    /// A live token and whose it is, as an admin's list shows it.
    struct Owned: Sendable {
        let token: APIToken
        let user: User
    }

    func create(userId: Int64, name: String, readOnly: Bool, expiresAt: Date?) async throws -> (APIToken, SecretToken) {
        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let record = APIToken(
            userId: userId,
            name: name,
            tokenHash: token.hash,
            prefix: String(token.value.prefix(8)),
            createdAt: self.clock.now(),
            expiresAt: expiresAt,
            readOnly: readOnly
        )
        let inserted = try await self.database.pool.write { db in try record.inserted(db) }
        return (inserted, token)
    }

    /// The user's tokens that still sign in.
    func list(userId: Int64) async throws -> [APIToken] {
        let now = self.clock.now()
        return try await self.database.pool.read { db in
            try Self.unexpired(APIToken.filter(sql: "user_id = ?", arguments: [userId]), at: now).order(sql: "id")
                .fetchAll(db)
        }
    }

    /// Every live user's tokens that still sign in, for an admin.
    func listAll() async throws -> [Owned] {
        let now = self.clock.now()
        return try await self.database.pool.read { db in
            let tokens = try Self.unexpired(APIToken.all(), at: now).order(sql: "id").fetchAll(db)
            let users = Dictionary(
                uniqueKeysWithValues: try User.all().live().filter(keys: Set(tokens.map(\.userId))).fetchAll(db).map {
                    ($0.id!, $0)
                }
            )
            return tokens.compactMap { token in users[token.userId].map { Owned(token: token, user: $0) } }
        }
    }

    /// Revokes one live token, the user's own unless `userId` is nil (an admin); false when there
    /// is no such live token.
    func revoke(userId: Int64?, tokenId: Int64) async throws -> Bool {
        let now = self.clock.now()
        return try await self.database.pool.write { db in
            try db.execute(
                sql: """
                    UPDATE api_tokens SET revoked_at = ?, updated_at = ?
                    WHERE id = ? AND (? IS NULL OR user_id = ?) AND revoked_at IS NULL
                    """,
                arguments: [now, now, tokenId, userId, userId]
            )
            return db.changesCount == 1
        }
    }

    /// Whether a token still signs its user in (what an open event stream asks again).
    func holds(tokenId: Int64) async throws -> Bool {
        let now = self.clock.now()
        return try await self.database.pool.read { db in
            try Self.live(APIToken.filter(sql: "id = ?", arguments: [tokenId]), at: now, db) != nil
        }
    }

    private static func unexpired(
        _ request: QueryInterfaceRequest<APIToken>,
        at now: Date
    ) -> QueryInterfaceRequest<APIToken> {
        request.filter(sql: "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", arguments: [now])
    }

    /// The token found by `request` and its user, when the token is neither revoked nor expired
    /// and the user is active and not archived.
    private static func live(
        _ request: QueryInterfaceRequest<APIToken>,
        at now: Date,
        _ db: Database
    ) throws -> (APIToken, User)? {
        guard let record = try Self.unexpired(request, at: now).fetchOne(db),
            let user = try User.all().live().filter(sql: "id = ? AND active = 1", arguments: [record.userId]).fetchOne(
                db
            )
        else { return nil }
        return (record, user)
    }

    func authenticate(token: String) async throws -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix) else { return nil }
        let now = self.clock.now()
        let hash = SecretToken.hash(token)
        let found = try await self.database.pool.read { db in
            try Self.live(APIToken.filter(sql: "token_hash = ?", arguments: [hash]), at: now, db)
        }
        guard let (record, user) = found else { return nil }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            try await self.database.pool.write { db in
                try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now, record.id])
            }
        }
        return Identity(user: user, credential: .apiToken(id: record.id!), readOnly: record.readOnly)
    }
}

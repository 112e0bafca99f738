import Foundation
import GRDB
import Hummingbird
import Shared

/// Browser sessions: create on sign-in, authenticate the cookie, slide, revoke.
struct SessionStore: Sendable {
    static let cookieName = "crm_session"
    /// A session unused this long ends.
    static let slidingLifetime: TimeInterval = 14 * 24 * 3600
    /// No session lives longer than this, however often it is used.
    static let absoluteLifetime: TimeInterval = 30 * 24 * 3600
    /// `last_seen_at` is written at most this often, so reads do not all become writes.
    static let touchInterval: TimeInterval = 60

    let database: AppDatabase
    let clock: AppClock
    let secureCookies: Bool

    func create(userId: Int64, ip: String?, userAgent: String?) async throws -> SecretToken {
        let token = SecretToken.generate()
        let now = self.clock.now()
        let session = Session(
            userId: userId,
            tokenHash: token.hash,
            now: now,
            slidingLifetime: Self.slidingLifetime,
            absoluteLifetime: Self.absoluteLifetime,
            ip: ip,
            userAgent: userAgent.map { String($0.prefix(512)) }
        )
        _ = try await self.database.pool.write { db in try session.inserted(db) }
        return token
    }

    /// The identity behind a session token, or nil when it is unknown, expired or revoked, or its
    /// user is deactivated or archived. Slides the expiry forward. A read; the write lock is taken
    /// only for the (at most once a minute) touch, so requests do not queue behind each other.
    func authenticate(token: String) async throws -> Identity? {
        let now = self.clock.now()
        let hash = SecretToken.hash(token)
        let found = try await self.database.pool.read { db in
            try Self.live(Session.filter(sql: "token_hash = ?", arguments: [hash]), at: now, db)
        }
        guard let (session, user) = found else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            let expires = min(now.addingTimeInterval(Self.slidingLifetime), session.absoluteExpiresAt)
            try await self.database.pool.write { db in
                try db.execute(
                    sql: "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ? AND revoked_at IS NULL",
                    arguments: [now, expires, session.id]
                )
            }
        }
        return Identity(user: user, credential: .session(id: session.id!))
    }

    /// Whether a session still signs its user in (what an open event stream asks again).
    func holds(sessionId: Int64) async throws -> Bool {
        let now = self.clock.now()
        return try await self.database.pool.read { db in
            try Self.live(Session.filter(sql: "id = ?", arguments: [sessionId]), at: now, db) != nil
        }
    }

    /// The session found by `request` and its user, when the session is neither revoked nor
    /// expired and the user is active and not archived.
    private static func live(
        _ request: QueryInterfaceRequest<Session>,
        at now: Date,
        _ db: Database
    ) throws -> (Session, User)? {
        guard let session = try request.filter(sql: "revoked_at IS NULL").fetchOne(db),
            session.expiresAt > now, session.absoluteExpiresAt > now,
            let user = try User.all().live().filter(sql: "id = ? AND active = 1", arguments: [session.userId]).fetchOne(
                db
            )
        else { return nil }
        return (session, user)
    }

    func revoke(sessionId: Int64) async throws {
        let now = self.clock.now()
        try await self.database.pool.write { db in
            try db.execute(
                sql: "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [now, sessionId]
            )
        }
    }

    func cookie(_ token: SecretToken) -> Cookie {
        Cookie(
            name: Self.cookieName,
            value: token.value,
            maxAge: Int(Self.absoluteLifetime),
            path: "/",
            secure: self.secureCookies,
            httpOnly: true,
            sameSite: .lax
        )
    }

    func clearingCookie() -> Cookie {
        Cookie(
            name: Self.cookieName,
            value: "",
            maxAge: 0,
            path: "/",
            secure: self.secureCookies,
            httpOnly: true,
            sameSite: .lax
        )
    }
}

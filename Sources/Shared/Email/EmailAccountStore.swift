import Foundation
import GRDB

/// Which mailboxes Gmail capture reads, and the team's own mail domains. Every live, active
/// member has an account to show; only those an admin turned sync on for are read.
public enum EmailAccountStore {
    public enum Failure: Error, Equatable {
        /// No live, active member has this id.
        case notFound
        /// "Sync now" for a mailbox whose sync is off.
        case syncOff
    }

    private static let select = """
        SELECT u.id, u.email, u.name, a.sync_enabled, a.state, a.last_sync_at, a.last_attempt_at, a.throttled_until,
            a.last_error, a.fetched_count, a.kept_count, a.sync_requested_at,
            (SELECT count(*) FROM email_retries r WHERE r.user_id = u.id) AS retry_count
        FROM users u LEFT JOIN email_accounts a ON a.user_id = u.id
        WHERE u.deleted_at IS NULL AND u.active = 1
        """

    /// Every live, active member's mailbox, by name.
    public static func all(_ db: Database) throws -> [EmailAccount] {
        try Row.fetchAll(db, sql: Self.select + " ORDER BY u.name COLLATE NOCASE, u.id").map(EmailAccount.init)
    }

    public static func account(_ userId: Int64, _ db: Database) throws -> EmailAccount {
        guard let row = try Row.fetchOne(db, sql: Self.select + " AND u.id = ?", arguments: [userId]) else {
            throw Failure.notFound
        }
        return EmailAccount(row: row)
    }

    /// The mailboxes to read: sync on, member live and active.
    public static func synced(_ db: Database) throws -> [EmailAccount] {
        try Row.fetchAll(db, sql: Self.select + " AND a.sync_enabled = 1 ORDER BY u.id").map(EmailAccount.init)
    }

    /// Turns sync on or off for a member; the cursor and counts are kept either way.
    public static func setSync(
        _ userId: Int64,
        enabled: Bool,
        by adminId: Int64,
        at now: Date,
        _ db: Database
    ) throws
        -> EmailAccount
    {
        _ = try Self.account(userId, db)
        try db.execute(
            sql: """
                INSERT INTO email_accounts (user_id, sync_enabled, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET sync_enabled = excluded.sync_enabled,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """,
            arguments: [userId, enabled, now, now, adminId]
        )
        return try Self.account(userId, db)
    }

    /// Asks for a sync of this mailbox as soon as crm-scheduler wakes.
    public static func requestSync(_ userId: Int64, at now: Date, _ db: Database) throws -> EmailAccount {
        guard try Self.account(userId, db).syncEnabled else { throw Failure.syncOff }
        try db.execute(
            sql: "UPDATE email_accounts SET sync_requested_at = ?, updated_at = ? WHERE user_id = ?",
            arguments: [now, now, userId]
        )
        return try Self.account(userId, db)
    }

    /// The team's own mail domains: the `email_team_domains` setting, or else the domains of
    /// live, active members' addresses but free-mail ones (a member at gmail.com does not make
    /// every gmail.com address the team's). Mail among these only is never captured.
    public static func teamDomains(_ db: Database, settings: AppSettings.Values? = nil) throws -> [String] {
        let listed = try (settings ?? AppSettings.values(db)).strings(.emailTeamDomains)
        if !listed.isEmpty { return listed }
        let emails = try String.fetchAll(db, sql: "SELECT email FROM users WHERE deleted_at IS NULL AND active = 1")
        let domains = emails.compactMap { $0.split(separator: "@").last.map { $0.lowercased() } }
        return Array(Set(domains).subtracting(FreeMailDomains.all)).sorted()
    }
}

/// How a mailbox's sync goes, as crm-scheduler records it.
extension EmailAccountStore {
    /// The cursor (Gmail history id) the next incremental sync starts after; nil before the
    /// first backfill finished.
    public static func cursor(_ userId: Int64, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT history_id FROM email_accounts WHERE user_id = ?", arguments: [userId])
    }

    /// When the account row was made (sync first turned on).
    public static func syncTurnedOnAt(_ userId: Int64, _ db: Database) throws -> Date? {
        try Date.fetchOne(db, sql: "SELECT created_at FROM email_accounts WHERE user_id = ?", arguments: [userId])
    }

    /// A sync starts: "sync now" is answered, the attempt is timed, and the state changes when
    /// one is given (a backfill says so; an incremental sync keeps the state it had).
    public static func begin(_ userId: Int64, state: EmailAccount.State?, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE email_accounts SET state = coalesce(?, state), last_attempt_at = ?, sync_requested_at = NULL,
                    updated_at = ? WHERE user_id = ?
                """,
            arguments: [state, now, now, userId]
        )
    }

    /// Moves the cursor; called in the transaction that stored what came before it.
    public static func advance(_ userId: Int64, to historyId: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE email_accounts SET history_id = ? WHERE user_id = ?",
            arguments: [historyId, userId]
        )
    }

    /// The sync went through: active, with this time as the last good sync.
    public static func succeed(_ userId: Int64, at now: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE email_accounts SET state = 'active', last_sync_at = ?, last_error = NULL, throttled_until = NULL,
                    updated_at = ? WHERE user_id = ?
                """,
            arguments: [now, now, userId]
        )
    }

    /// The sync stopped: throttled until a time (kept across restarts), or failing with the sentence.
    public static func fail(
        _ userId: Int64,
        sentence: String,
        throttledUntil: Date?,
        at now: Date,
        _ db: Database
    )
        throws
    {
        try db.execute(
            sql: """
                UPDATE email_accounts SET state = ?, last_error = ?, throttled_until = ?, updated_at = ? WHERE user_id = ?
                """,
            arguments: [
                throttledUntil == nil ? "failing" : "throttled", String(sentence.prefix(1000)), throttledUntil, now,
                userId,
            ]
        )
    }

    /// Whether the mailbox is due: not throttled, and asked for, never tried, back from being
    /// throttled, or its interval since the last try has passed.
    public static func isDue(_ account: EmailAccount, interval: TimeInterval, now: Date) -> Bool {
        if let until = account.throttledUntil {
            return until <= now
        }
        if account.syncRequestedAt != nil { return true }
        guard let last = account.lastAttemptAt else { return true }
        return now.timeIntervalSince(last) >= interval
    }
}

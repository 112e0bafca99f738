import Foundation
import GRDB

/// The retry queue: a message Google kept failing on waits here, with its own backoff, while the
/// rest of the mailbox syncs on. After `retryAttempts` tries it is counted as skipped, reason
/// `unreadable`, which admins see with the other reasons.
extension CaptureStore {
    public struct Retry: Sendable, Equatable {
        public let gmailId: String
        public let gmailThreadId: String
        public let attempts: Int
    }

    public static let retryAttempts = 8

    /// Queued messages whose next try is due (`now` nil: all of them, as "sync now" asks), oldest first.
    public static func dueRetries(userId: Int64, now: Date?, limit: Int = 500, _ db: Database) throws -> [Retry] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT gmail_id, gmail_thread_id, attempts FROM email_retries
                WHERE user_id = ? AND (? IS NULL OR next_attempt_at <= ?) ORDER BY next_attempt_at, gmail_id LIMIT ?
                """,
            arguments: [userId, now, now, limit]
        ).map { Retry(gmailId: $0["gmail_id"], gmailThreadId: $0["gmail_thread_id"], attempts: $0["attempts"]) }
    }

    /// Queues a message again after a failed try: a minute after the first, doubling up to six
    /// hours; after the last attempt it is given up on as `unreadable`.
    public static func retryLater(
        userId: Int64,
        gmailId: String,
        gmailThreadId: String,
        error: String,
        at now: Date,
        _ db: Database
    ) throws {
        let attempts =
            try Int.fetchOne(
                db,
                sql: "SELECT attempts FROM email_retries WHERE user_id = ? AND gmail_id = ?",
                arguments: [userId, gmailId]
            ) ?? 0
        guard attempts + 1 < Self.retryAttempts else {
            try Self.skip(userId: userId, gmailId: gmailId, reason: .unreadable, db)
            return
        }
        let wait = min(6 * 3600, 60 * pow(2, Double(attempts)))
        try db.execute(
            sql: """
                INSERT INTO email_retries (user_id, gmail_id, gmail_thread_id, attempts, next_attempt_at, last_error,
                    created_at)
                VALUES (?, ?, ?, 1, ?, ?, ?)
                ON CONFLICT (user_id, gmail_id) DO UPDATE SET attempts = attempts + 1,
                    next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
                """,
            arguments: [userId, gmailId, gmailThreadId, now.addingTimeInterval(wait), String(error.prefix(1000)), now]
        )
    }
}

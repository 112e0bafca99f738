import Foundation
import GRDB

/// A team member's mailbox as Gmail capture sees it: whether an admin turned sync on, and how
/// the last sync went. A member nobody turned sync on for reads as `notConnected`.
public struct EmailAccount: Sendable, Equatable {
    public enum State: String, Sendable, Codable, DatabaseValueConvertible {
        case notConnected = "not_connected"
        case backfilling
        case active
        case throttled
        case failing
    }

    public let userId: Int64
    public let email: String
    public let name: String
    public var syncEnabled: Bool
    public var state: State
    /// The last sync that finished without error.
    public var lastSyncAt: Date?
    public var lastAttemptAt: Date?
    public var throttledUntil: Date?
    /// What the last failing sync said (a sentence with the fix; never a secret).
    public var lastError: String?
    public var fetchedCount: Int
    public var keptCount: Int
    /// Messages waiting in the retry queue.
    public var retryCount: Int
    /// When someone last pressed "sync now" (cleared when a sync starts).
    public var syncRequestedAt: Date?

    init(row: Row) {
        self.userId = row["id"]
        self.email = row["email"]
        self.name = row["name"]
        self.syncEnabled = row["sync_enabled"] ?? false
        self.state = row["state"] ?? .notConnected
        self.lastSyncAt = row["last_sync_at"]
        self.lastAttemptAt = row["last_attempt_at"]
        self.throttledUntil = row["throttled_until"]
        self.lastError = row["last_error"]
        self.fetchedCount = row["fetched_count"] ?? 0
        self.keptCount = row["kept_count"] ?? 0
        self.retryCount = row["retry_count"] ?? 0
        self.syncRequestedAt = row["sync_requested_at"]
    }
}

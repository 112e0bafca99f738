import Foundation
import GRDB

/// A signed-in browser. The cookie holds the token; this row holds only its SHA-256.
public struct Session: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var userId: Int64
    public var tokenHash: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// Sliding expiry: moves forward while the session is used, never past `absoluteExpiresAt`.
    public var expiresAt: Date
    public var absoluteExpiresAt: Date
    public var ip: String?
    public var userAgent: String?
    public var revokedAt: Date?

    public static let databaseTableName = "sessions"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public init(
        userId: Int64,
        tokenHash: String,
        now: Date,
        slidingLifetime: TimeInterval,
        absoluteLifetime: TimeInterval,
        ip: String?,
        userAgent: String?
    ) {
        self.userId = userId
        self.tokenHash = tokenHash
        self.createdAt = now
        self.lastSeenAt = now
        self.absoluteExpiresAt = now.addingTimeInterval(absoluteLifetime)
        self.expiresAt = min(now.addingTimeInterval(slidingLifetime), self.absoluteExpiresAt)
        self.ip = ip
        self.userAgent = userAgent
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}

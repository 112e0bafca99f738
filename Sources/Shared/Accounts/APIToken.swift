import Foundation
import GRDB

/// A personal API token for scripts (`Authorization: Bearer …`). Shown once; stored as SHA-256.
public struct APIToken: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var userId: Int64
    public var name: String
    public var tokenHash: String
    /// The first characters of the token, so its owner can tell tokens apart.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// After this the token no longer signs in; nil for a token that does not expire.
    public var expiresAt: Date?
    /// A read-only token may call GET (and HEAD) routes only.
    public var readOnly: Bool

    public static let databaseTableName = "api_tokens"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public init(
        userId: Int64,
        name: String,
        tokenHash: String,
        prefix: String,
        createdAt: Date,
        expiresAt: Date? = nil,
        readOnly: Bool = false
    ) {
        self.userId = userId
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.readOnly = readOnly
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}

import Foundation
import GRDB

/// An admin's invitation for one email address and role: single-use, expiring, revocable.
public struct Invite: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public enum State: String, Codable, Sendable {
        case pending
        case accepted
        case expired
        case revoked
    }

    public var id: Int64?
    public var email: String
    public var role: User.Role
    public var tokenHash: String
    public var invitedBy: Int64?
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var acceptedUserId: Int64?
    public var revokedAt: Date?

    public static let databaseTableName = "invites"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// How long an invite can be accepted.
    public static let lifetime: TimeInterval = 7 * 24 * 3600

    public init(email: String, role: User.Role, tokenHash: String, invitedBy: Int64?, now: Date) {
        self.email = email
        self.role = role
        self.tokenHash = tokenHash
        self.invitedBy = invitedBy
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(Self.lifetime)
    }

    public func state(at now: Date) -> State {
        if self.acceptedAt != nil { return .accepted }
        if self.revokedAt != nil { return .revoked }
        return now >= self.expiresAt ? .expired : .pending
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}

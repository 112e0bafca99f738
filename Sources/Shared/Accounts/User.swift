import Foundation
import GRDB

/// A team member's account. Users are never hard-deleted: `active` turns sign-in off and
/// `deleted_at` archives.
public struct User: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public enum Role: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
        case admin
        case member
    }

    public var id: Int64?
    public var email: String
    public var name: String
    public var role: Role
    public var active: Bool
    public var passwordHash: String
    public var mustChangePassword: Bool
    public var createdAt: Date?
    public var updatedAt: Date?
    public var deletedAt: Date?

    public static let databaseTableName = "users"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public init(email: String, name: String, role: Role, passwordHash: String, mustChangePassword: Bool = false) {
        self.email = email
        self.name = name
        self.role = role
        self.active = true
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
    }

    public mutating func willInsert(_ db: Database) throws {
        let now = try db.transactionDate
        self.createdAt = self.createdAt ?? now
        self.updatedAt = now
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}

extension User: SoftDeletable {}

extension DerivableRequest<User> {
    /// The live account with this (normalized) email; the column compares without case.
    public func withEmail(_ email: String) -> Self { self.live().filter(sql: "email = ?", arguments: [email]) }

    /// Live, active admins.
    public func activeAdmins() -> Self { self.live().filter(sql: "active = 1 AND role = 'admin'") }
}

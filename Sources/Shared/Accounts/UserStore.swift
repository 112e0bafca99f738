import Foundation
import GRDB

/// The team's accounts as admins manage them. Functions take the caller's transaction.
public enum UserStore {
    public enum Failure: Error, Equatable {
        case notFound
        /// The change would leave no active admin.
        case lastAdmin
    }

    /// Every live user, by id.
    public static func all(_ db: Database) throws -> [User] {
        try User.all().live().order(Column("id")).fetchAll(db)
    }

    /// Live users' ids and names, by name (`ids` nil: everyone).
    public static func names(ids: Set<Int64>?, _ db: Database) throws -> [(id: Int64, name: String)] {
        var request = User.all().live()
        if let ids { request = request.filter(ids.sorted().contains(Column("id"))) }
        let rows = try Row.fetchAll(
            db,
            request.select(Column("id"), Column("name")).order(Column("name"), Column("id"))
        )
        return rows.map { ($0["id"], $0["name"]) }
    }

    public static func emailTaken(_ email: String, _ db: Database) throws -> Bool {
        try User.all().live().filter(Column("email") == email).fetchCount(db) > 0
    }

    /// Changes a user's role, whether they can sign in, or name; refuses to leave the team
    /// without an active admin.
    public static func update(
        id: Int64,
        role: User.Role?,
        active: Bool?,
        name: String?,
        now: Date,
        _ db: Database
    ) throws -> User {
        guard var user = try User.all().live().filter(Column("id") == id).fetchOne(db) else { throw Failure.notFound }
        let wasActiveAdmin = user.active && user.role == .admin
        user.role = role ?? user.role
        user.active = active ?? user.active
        user.name = name ?? user.name
        if wasActiveAdmin && !(user.active && user.role == .admin),
            try User.all().activeAdmins().filter(Column("id") != id).fetchCount(db) == 0
        {
            throw Failure.lastAdmin
        }
        user.updatedAt = now
        try user.update(db, columns: ["role", "active", "name", "updated_at"])
        return user
    }

    /// A new password the user chose: the must-change flag is cleared.
    public static func setPassword(userId: Int64, hash: String, now: Date, _ db: Database) throws {
        try User.all().live().filter(Column("id") == userId)
            .updateAll(
                db,
                Column("password_hash").set(to: hash),
                Column("must_change_password").set(to: false),
                Column("updated_at").set(to: now)
            )
    }
}

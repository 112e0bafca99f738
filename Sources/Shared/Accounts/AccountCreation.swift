import Foundation
import GRDB

/// Creates accounts from the command line (the first admin, and admins made by the StartOS action).
public struct AccountCreation: Sendable {
    /// Why an account was not created; `description` is safe to print.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidEmail
        case invalidName
        case weakPassword(String)
        case emailTaken
        case noSuchAdmin

        public var description: String {
            switch self {
            case .invalidEmail: "That is not a valid email address."
            case .invalidName: PersonName.problem
            case .weakPassword(let reason): reason
            case .emailTaken: "An account with that email address already exists."
            case .noSuchAdmin: "There is no active admin with that email address."
            }
        }
    }

    public let database: AppDatabase
    public let hasher: PasswordHasher

    public init(database: AppDatabase, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
    }

    /// Creates an active admin. `name` defaults to the email's local part.
    public func createAdmin(
        email rawEmail: String,
        name rawName: String?,
        password: String,
        mustChangePassword: Bool
    )
        async throws -> User
    {
        guard let email = EmailAddress.normalized(rawEmail) else { throw Failure.invalidEmail }
        guard let name = PersonName.validated(rawName ?? String(email.prefix { $0 != "@" })) else {
            throw Failure.invalidName
        }
        if let reason = PasswordPolicy.problem(password: password, email: email) { throw Failure.weakPassword(reason) }
        let hash = try await self.hasher.hash(password)
        return try await self.database.pool.write { db in
            if try User.all().live().filter(sql: "email = ?", arguments: [email]).fetchCount(db) > 0 {
                throw Failure.emailTaken
            }
            var user = User(
                email: email,
                name: name,
                role: .admin,
                passwordHash: hash,
                mustChangePassword: mustChangePassword
            )
            try user.insert(db)
            return user
        }
    }

    /// Gives an active admin a new password that must be changed at the next sign-in, and ends
    /// every session and API token they had (a locked-out or compromised admin starts afresh).
    public func resetAdminPassword(email rawEmail: String, password: String, now: Date) async throws -> User {
        guard let email = EmailAddress.normalized(rawEmail) else { throw Failure.invalidEmail }
        if let reason = PasswordPolicy.problem(password: password, email: email) { throw Failure.weakPassword(reason) }
        let hash = try await self.hasher.hash(password)
        return try await self.database.pool.write { db in
            guard var user = try User.all().activeAdmins().filter(sql: "email = ?", arguments: [email]).fetchOne(db)
            else {
                throw Failure.noSuchAdmin
            }
            user.passwordHash = hash
            user.mustChangePassword = true
            try user.update(db, columns: ["password_hash", "must_change_password"])
            try Credentials.revokeAll(userId: user.id!, at: now, in: db)
            return user
        }
    }

    /// Whether any live, active admin exists.
    public func hasActiveAdmin() async throws -> Bool {
        try await self.database.pool.read { db in try User.all().activeAdmins().fetchCount(db) > 0 }
    }
}

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

        public var description: String {
            switch self {
            case .invalidEmail: "That is not a valid email address."
            case .invalidName: PersonName.problem
            case .weakPassword(let reason): reason
            case .emailTaken: "An account with that email address already exists."
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
    public func createAdmin(email rawEmail: String, name rawName: String?, password: String, mustChangePassword: Bool)
        async throws -> User
    {
        guard let email = EmailAddress.normalized(rawEmail) else { throw Failure.invalidEmail }
        guard let name = PersonName.validated(rawName ?? String(email.prefix { $0 != "@" })) else { throw Failure.invalidName }
        if let reason = PasswordPolicy.problem(password: password, email: email) { throw Failure.weakPassword(reason) }
        let hash = try await self.hasher.hash(password)
        return try await self.database.pool.write { db in
            if try User.all().live().filter(sql: "email = ?", arguments: [email]).fetchCount(db) > 0 {
                throw Failure.emailTaken
            }
            var user = User(email: email, name: name, role: .admin, passwordHash: hash, mustChangePassword: mustChangePassword)
            try user.insert(db)
            return user
        }
    }

    /// Whether any live, active admin exists.
    public func hasActiveAdmin() async throws -> Bool {
        try await self.database.pool.read { db in try User.all().activeAdmins().fetchCount(db) > 0 }
    }
}

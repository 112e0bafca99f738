import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

@Suite struct AccountCreationTests {
    func accounts() throws -> (AccountCreation, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        return (AccountCreation(database: try directory.migratedDatabase(), hasher: PasswordHasher(cost: 4)), directory)
    }

    @Test func createsAnActiveAdminWithABcryptHash() async throws {
        let (accounts, directory) = try self.accounts()
        #expect(try await !accounts.hasActiveAdmin())
        let user = try await accounts.createAdmin(
            email: "  Ada@Example.COM ",
            name: nil,
            password: "correct horse battery",
            mustChangePassword: true
        )
        #expect(user.email == "ada@example.com")
        #expect(user.name == "ada")
        #expect(user.role == .admin)
        #expect(user.mustChangePassword)
        #expect(try await accounts.hasActiveAdmin())
        let stored = try #require(try await accounts.database.pool.read { db in try User.fetchOne(db, key: user.id) })
        #expect(stored.passwordHash.hasPrefix("$2"))
        #expect(!stored.passwordHash.contains("correct horse"))
        #expect(try await accounts.hasher.verify("correct horse battery", hash: stored.passwordHash))
        _ = directory
    }

    @Test func refusesASecondAccountForTheSameAddress() async throws {
        let (accounts, directory) = try self.accounts()
        _ = try await accounts.createAdmin(
            email: "ada@example.com",
            name: "Ada",
            password: "long enough pass",
            mustChangePassword: false
        )
        await #expect(throws: AccountCreation.Failure.emailTaken) {
            try await accounts.createAdmin(
                email: "ADA@example.com",
                name: "Ada",
                password: "long enough pass",
                mustChangePassword: false
            )
        }
        _ = directory
    }

    @Test(arguments: [
        "", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@example..com", "<ada@example.com>",
    ])
    func refusesInvalidEmail(email: String) async throws {
        let (accounts, directory) = try self.accounts()
        await #expect(throws: AccountCreation.Failure.invalidEmail) {
            try await accounts.createAdmin(
                email: email,
                name: "N",
                password: "long enough pass",
                mustChangePassword: false
            )
        }
        _ = directory
    }

    @Test func refusesWeakPasswords() async throws {
        let (accounts, directory) = try self.accounts()
        for password in ["short", "ada@example.com", String(repeating: "é", count: 40)] {
            await #expect(throws: AccountCreation.Failure.self) {
                try await accounts.createAdmin(
                    email: "ada@example.com",
                    name: "N",
                    password: password,
                    mustChangePassword: false
                )
            }
        }
        #expect(try await !accounts.hasActiveAdmin())
        _ = directory
    }

    @Test func generatedPasswordsAreLongUnambiguousAndDistinct() {
        let passwords = (0..<200).map { _ in PasswordGenerator.generate() }
        #expect(Set(passwords).count == 200)
        for password in passwords {
            #expect(password.count == 20)
            #expect(!password.contains { "0O1lI".contains($0) })
            #expect(PasswordPolicy.problem(password: password, email: "a@b.co") == nil)
        }
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import SharedTesting
import Synchronization
import Testing

@testable import crm_api

/// After a full account flow, no password or token appears in any text column or any log line.
@Suite struct SecretsAtRestTests {
    @Test func noPlaintextPasswordOrTokenInTheDatabaseOrTheLogs() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        let newPassword = "grace's own passphrase 42"
        let changed = "root's replacement passphrase"
        let issued = Mutex<[String]>([])

        try await app.test { admin in
            let login = try await admin.login("root@example.com")
            #expect(login.status == .ok)
            let adminCookie = try #require(admin.cookie)
            guard
                case .string(let apiToken)? = try await admin.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "s", "password": "\#(TestApp.password)"}"#
                ).value("token"),
                case .string(let inviteToken)? = try await admin.send(
                    .post,
                    "/api/admin/invites",
                    json: #"{"email": "grace@example.com", "role": "member"}"#
                ).value("token")
            else {
                Issue.record("flow failed")
                return
            }
            let guest = Client(client: admin.client)
            #expect(
                try await guest.send(
                    .post,
                    "/api/auth/accept-invite",
                    json: #"{"token": "\#(inviteToken)", "name": "Grace", "password": "\#(newPassword)"}"#
                ).status == .created
            )
            let guestCookie = try #require(guest.cookie)
            #expect(
                try await admin.send(
                    .post,
                    "/api/auth/password",
                    json: #"{"current_password": "\#(TestApp.password)", "new_password": "\#(changed)"}"#
                ).status == .noContent
            )
            try await admin.login("root@example.com", password: "a wrong one, logged as a failure")
            #expect(
                try await admin.send(.get, "/api/auth/me", bearer: apiToken).status == .unauthorized,
                "the password change revoked it"
            )
            issued.withLock { $0 = [adminCookie, apiToken, inviteToken, guestCookie] }
        }
        let secrets = [TestApp.password, newPassword, changed] + issued.withLock { $0 }
        #expect(secrets.count == 7)

        let values = try await app.database.pool.read { db -> [String] in
            var values: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                for row in rows {
                    for (_, value) in row { if let text = String.fromDatabaseValue(value) { values.append(text) } }
                }
            }
            return values
        }
        #expect(values.count > 20)
        let logs = app.logs.all
        #expect(logs.contains { $0.contains("signed in") })
        for secret in secrets {
            #expect(!values.contains { $0.contains(secret) }, "a secret is stored in clear")
            #expect(!logs.contains { $0.contains(secret) }, "a secret reached the logs")
        }
    }
}

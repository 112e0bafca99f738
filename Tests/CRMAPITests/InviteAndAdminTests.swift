import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

@Suite struct InviteAndAdminTests {
    static let week: TimeInterval = 7 * 24 * 3600

    func invite(_ admin: Client, _ email: String, role: String = "member") async throws -> Client.Reply {
        try await admin.send(.post, "/api/admin/invites", json: #"{"email": "\#(email)", "role": "\#(role)"}"#)
    }

    func accept(
        _ client: Client,
        token: String,
        password: String = "a long new passphrase",
        email: String? = nil
    )
        async throws -> Client.Reply
    {
        let emailField = email.map { #", "email": "\#($0)""# } ?? ""
        return try await client.send(
            .post,
            "/api/auth/accept-invite",
            json: #"{"token": "\#(token)", "name": "Grace Hopper", "password": "\#(password)"\#(emailField)}"#
        )
    }

    @Test func anInviteIsShownOnceAcceptedOnceAndSignsTheNewUserIn() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            let created = try await self.invite(admin, "Grace@Example.com")
            #expect(created.status == .created)
            #expect(created.value("email") == "grace@example.com")
            #expect(created.value("role") == "member")
            guard case .string(let token)? = created.value("token"), case .string(let url)? = created.value("url")
            else {
                Issue.record("no token in \(created.body)")
                return
            }
            #expect(url == "\(TestApp.origin)/accept-invite#token=\(token)")
            #expect(created.value("expires_at") != nil)

            let listed = try await admin.send(.get, "/api/admin/invites")
            #expect(listed.status == .ok)
            #expect(!listed.body.contains(token))
            #expect(listed.body.contains(#""status":"pending""#))

            let guest = Client(client: admin.client)
            let accepted = try await self.accept(guest, token: token)
            #expect(accepted.status == .created)
            #expect(accepted.value("user", "email") == "grace@example.com")
            #expect(try await guest.send(.get, "/api/auth/me").status == .ok)

            let again = try await self.accept(Client(client: admin.client), token: token)
            #expect(again.status == .gone)
            #expect(again.error == "invite_used")
            #expect(try await admin.send(.get, "/api/admin/invites").body.contains(#""status":"accepted""#))
        }
    }

    @Test func expiredRevokedUnknownAndMismatchedInvitesAreRefused() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            let guest = Client(client: admin.client)

            guard case .string(let expiring)? = try await self.invite(admin, "a@example.com").value("token") else {
                return
            }
            app.clock.advance(by: Self.week + 1)
            #expect(try await self.accept(guest, token: expiring).error == "invite_expired")

            let revocable = try await self.invite(admin, "b@example.com")
            guard case .string(let token)? = revocable.value("token"), case .number(let id)? = revocable.value("id")
            else { return }
            #expect(try await admin.send(.delete, "/api/admin/invites/\(Int(id))").status == .noContent)
            #expect(try await self.accept(guest, token: token).error == "invite_revoked")

            #expect(try await self.accept(guest, token: "not-a-real-token").status == .notFound)

            guard case .string(let fresh)? = try await self.invite(admin, "c@example.com").value("token") else {
                return
            }
            #expect(
                try await self.accept(guest, token: fresh, email: "someone@else.com").error == "invite_email_mismatch"
            )
            let nameless = try await guest.send(
                .post,
                "/api/auth/accept-invite",
                json: #"{"token": "\#(fresh)", "name": "   ", "password": "a long new passphrase"}"#
            )
            #expect(nameless.error == "invalid_name")
            #expect(nameless.value("details", "name") != nil)
            let weak = try await self.accept(guest, token: fresh, password: "short")
            #expect(weak.status == .unprocessableContent)
            #expect(weak.value("details", "password") != nil)
            #expect(try await self.accept(guest, token: fresh, email: "C@example.com").status == .created)
        }
        #expect(try await app.database.pool.read { db in try User.fetchCount(db) } == 2)
    }

    @Test func invitingAnExistingUserOrAnInvalidAddressIsRefused() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            #expect(try await self.invite(admin, "ROOT@example.com").error == "email_taken")
            #expect(try await self.invite(admin, "not an email").status == .unprocessableContent)
            let owner = try await self.invite(admin, "x@example.com", role: "owner")
            #expect(owner.status == .unprocessableContent)
            #expect(owner.value("details", "role") != nil)
        }
    }

    @Test func theLastActiveAdminCannotBeDemotedOrDeactivated() async throws {
        let app = try TestApp()
        let root = try await app.createUser("root@example.com", role: .admin)
        let second = try await app.createUser("second@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            #expect(
                try await admin.send(.patch, "/api/admin/users/\(second.id!)", json: #"{"role": "member"}"#).status
                    == .ok
            )
            let demote = try await admin.send(.patch, "/api/admin/users/\(root.id!)", json: #"{"role": "member"}"#)
            #expect(demote.status == .conflict)
            #expect(demote.error == "last_admin")
            let deactivate = try await admin.send(.patch, "/api/admin/users/\(root.id!)", json: #"{"active": false}"#)
            #expect(deactivate.error == "last_admin")
            #expect(
                try await admin.send(.patch, "/api/admin/users/\(second.id!)", json: #"{"name": "two\nlines"}"#).error
                    == "invalid_name"
            )
            #expect(
                try await admin.send(.patch, "/api/admin/users/9999", json: #"{"active": false}"#).status == .notFound
            )
            #expect(
                try await admin.send(.patch, "/api/admin/users/abc", json: #"{"active": false}"#).status == .notFound
            )
        }
        let admins = try await app.database.pool.read { db in try User.all().activeAdmins().fetchCount(db) }
        #expect(admins == 1)
    }

    @Test func deactivatingAUserEndsTheirSessionsAndTokensAtOnce() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        let member = try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            let ada = Client(client: admin.client)
            try await ada.login("ada@example.com")
            guard
                case .string(let token)? = try await ada.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "script", "password": "\#(TestApp.password)"}"#
                ).value("token")
            else { return }
            #expect(try await ada.send(.get, "/api/auth/me", bearer: token).status == .ok)

            #expect(
                try await admin.send(.patch, "/api/admin/users/\(member.id!)", json: #"{"active": false}"#).status
                    == .ok
            )

            #expect(try await ada.send(.get, "/api/auth/me").status == .unauthorized)
            let bearer = Client(client: admin.client)
            bearer.cookie = nil
            #expect(try await bearer.send(.get, "/api/auth/me", bearer: token).status == .unauthorized)
            #expect(try await ada.login("ada@example.com").status == .unauthorized)
        }
        let live = try await app.database.pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL",
                arguments: [member.id]
            )
        }
        #expect(live == 0)
    }

    @Test func apiTokensAreShownOnceUsableAndRevocable() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let created = try await ada.send(
                .post,
                "/api/auth/tokens",
                json: #"{"name": "nightly export", "password": "\#(TestApp.password)"}"#
            )
            #expect(created.status == .created)
            guard case .string(let token)? = created.value("token"), case .number(let id)? = created.value("id") else {
                return
            }
            #expect(token.hasPrefix("crm_"))

            let script = Client(client: ada.client)
            script.origin = nil
            #expect(
                try await script.send(.get, "/api/auth/me", bearer: token).value("user", "email") == "ada@example.com"
            )
            // Bearer requests are exempt from the Origin check: scripts send none.
            #expect(
                try await script.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "from a script", "password": "\#(TestApp.password)"}"#,
                    bearer: token
                ).status == .created
            )

            let listed = try await ada.send(.get, "/api/auth/tokens")
            #expect(!listed.body.contains(token))
            #expect(listed.body.contains("last_used_at"))
            #expect(listed.body.contains(String(token.prefix(8))))

            let bob = Client(client: ada.client)
            try await bob.login("bob@example.com")
            #expect(try await bob.send(.delete, "/api/auth/tokens/\(Int(id))").status == .notFound)
            #expect(try await ada.send(.delete, "/api/auth/tokens/\(Int(id))").status == .noContent)
            let revoked = try await script.send(.get, "/api/auth/me", bearer: token)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.error == "invalid_token")
            #expect(
                try await ada.send(.post, "/api/auth/tokens", json: #"{"name": ""}"#).status == .unprocessableContent
            )
        }
    }
    /// Every recovery step ends the tokens too: a token minted with a session answered 200 on an
    /// admin route after the password change and after "sign out everywhere".
    @Test(arguments: ["password", "logout-all"])
    func recoveryStepsRevokeTheUsersAPITokens(step: String) async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            let made = try await admin.send(
                .post,
                "/api/auth/tokens",
                json: #"{"name": "s", "password": "\#(TestApp.password)"}"#
            )
            guard case .string(let token)? = made.value("token") else {
                Issue.record("no token")
                return
            }
            let script = Client(client: admin.client)
            script.cookie = nil
            script.origin = nil
            #expect(try await script.send(.get, "/api/admin/users", bearer: token).status == .ok)
            if step == "password" {
                let changed = try await admin.send(
                    .post,
                    "/api/auth/password",
                    json: #"{"current_password": "\#(TestApp.password)", "new_password": "a brand new passphrase 42"}"#
                )
                #expect(changed.status == .noContent)
                #expect(try await admin.send(.get, "/api/auth/me").status == .ok, "the session that changed it stays")
            } else {
                #expect(try await admin.send(.post, "/api/auth/logout-all").status == .noContent)
            }
            let after = try await script.send(.get, "/api/admin/users", bearer: token)
            #expect(after.status == .unauthorized && after.error == "invalid_token")
        }
    }

    @Test func resettingAnAdminPasswordRevokesTheirTokens() async throws {
        let app = try TestApp()
        let root = try await app.createUser("root@example.com", role: .admin)
        let (_, secret) = try await app.services.tokens.create(
            userId: root.id!,
            name: "s",
            readOnly: false,
            expiresAt: nil
        )
        #expect(try await app.services.tokens.authenticate(token: secret.value) != nil)
        _ = try await AccountCreation(database: app.database, hasher: app.services.hasher)
            .resetAdminPassword(email: "root@example.com", password: "a brand new passphrase 42", now: Date())
        #expect(try await app.services.tokens.authenticate(token: secret.value) == nil)
    }

    @Test func mintingATokenAsksForThePasswordAndIsThrottled() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let bare = try await ada.send(.post, "/api/auth/tokens", json: #"{"name": "s"}"#)
            #expect(bare.status == .unprocessableContent && bare.error == "password_required")
            for _ in 0..<10 {
                let wrong = try await ada.send(.post, "/api/auth/tokens", json: #"{"name": "s", "password": "guess"}"#)
                #expect(wrong.status == .unprocessableContent && wrong.error == "invalid_password")
            }
            let locked = try await ada.send(
                .post,
                "/api/auth/tokens",
                json: #"{"name": "s", "password": "\#(TestApp.password)"}"#
            )
            #expect(locked.status == .tooManyRequests, "the right password waits out the lock too")
            let change = try await ada.send(
                .post,
                "/api/auth/password",
                json: #"{"current_password": "\#(TestApp.password)", "new_password": "another long passphrase"}"#
            )
            #expect(change.status == .tooManyRequests, "the password change shares the check and its lock")
            app.clock.advance(by: 61)
            #expect(
                try await ada.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "s", "password": "\#(TestApp.password)"}"#
                ).status == .created
            )
        }
        #expect(try await app.database.pool.read { db in try APIToken.fetchCount(db) } == 1)
    }

    @Test func readOnlyAndExpiringTokens() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let made = try await ada.send(
                .post,
                "/api/auth/tokens",
                json:
                    #"{"name": "reader", "read_only": true, "expires_in_days": 30, "password": "\#(TestApp.password)"}"#
            )
            #expect(made.status == .created && made.value("read_only") == true && made.value("expires_at") != nil)
            guard case .string(let token)? = made.value("token") else { return }
            let script = Client(client: ada.client)
            script.cookie = nil
            script.origin = nil
            #expect(try await script.send(.get, "/api/tables/investors/records", bearer: token).status == .ok)
            let write = try await script.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Acme"}}"#,
                bearer: token
            )
            #expect(write.status == .forbidden && write.error == "read_only_token")
            #expect(try await script.send(.delete, "/api/auth/tokens/1", bearer: token).error == "read_only_token")
            #expect(
                try await app.database.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_investors")
                } == 0
            )

            for body in [
                #""expires_in_days": 0"#, #""expires_in_days": 4000"#, #""expires_in_days": "soon""#,
                #""read_only": "yes""#,
            ] {
                let bad = try await ada.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "x", \#(body), "password": "\#(TestApp.password)"}"#
                )
                #expect(bad.status.code >= 400 && bad.status.code < 500 && bad.status != .created, "\(body)")
            }

            app.clock.advance(by: 30 * 24 * 3600 + 1)
            let expired = try await script.send(.get, "/api/tables/investors/records", bearer: token)
            #expect(expired.status == .unauthorized && expired.error == "invalid_token")
            try await ada.login("ada@example.com")
            #expect(
                try await ada.send(.get, "/api/auth/tokens").value("tokens") == .array([]),
                "an expired token is not listed"
            )
        }
    }

    @Test func adminsListAndRevokeAnyUsersTokensMembersCannot() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            let ada = Client(client: admin.client)
            try await ada.login("ada@example.com")
            let made = try await ada.send(
                .post,
                "/api/auth/tokens",
                json: #"{"name": "laptop", "password": "\#(TestApp.password)"}"#
            )
            guard case .string(let token)? = made.value("token"), case .number(let id)? = made.value("id") else {
                return
            }

            #expect(try await ada.send(.get, "/api/admin/tokens").status == .forbidden)
            #expect(try await ada.send(.delete, "/api/admin/tokens/\(Int(id))").status == .forbidden)
            let listed = try await admin.send(.get, "/api/admin/tokens")
            #expect(listed.status == .ok && listed.body.contains("ada@example.com") && listed.body.contains("laptop"))
            #expect(!listed.body.contains(token) && !listed.body.contains("token_hash"))
            #expect(try await admin.send(.delete, "/api/admin/tokens/\(Int(id))").status == .noContent)
            #expect(try await admin.send(.delete, "/api/admin/tokens/\(Int(id))").status == .notFound)
            #expect(try await admin.send(.delete, "/api/admin/tokens/abc").status == .notFound)
            let script = Client(client: admin.client)
            script.cookie = nil
            #expect(try await script.send(.get, "/api/auth/me", bearer: token).status == .unauthorized)
        }
    }

    /// Rule 3: the admin's list reads live users only; an archived user's tokens are not shown.
    @Test func anArchivedUsersTokensAreNotListed() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        let gone = try await app.createUser("gone@example.com")
        _ = try await app.services.tokens.create(userId: gone.id!, name: "old laptop", readOnly: false, expiresAt: nil)
        try await app.test { admin in
            try await admin.login("root@example.com")
            #expect(try await admin.send(.get, "/api/admin/tokens").body.contains("old laptop"))
            try await app.database.pool.write { db in
                try db.execute(
                    sql: "UPDATE users SET deleted_at = '2027-01-01 00:00:00.000' WHERE id = ?",
                    arguments: [gone.id]
                )
            }
            #expect(!(try await admin.send(.get, "/api/admin/tokens").body.contains("old laptop")))
        }
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// Admins choose whose mailboxes Gmail capture reads; members never see or change it.
@Suite struct EmailAccountsTests {
    @Test func everyActiveMemberIsListedAndAdminsTurnSyncOnAndOff() async throws {
        let app = try TestApp()
        try await app.createUser("root@fund.example", role: .admin)
        let ada = try await app.createUser("ada@fund.example")
        let gone = try await app.createUser("gone@partners.example")
        try await app.database.pool.write { db in
            try db.execute(sql: "UPDATE users SET active = 0 WHERE id = ?", arguments: [gone.id])
        }
        try await app.test { admin in
            try await admin.login("root@fund.example")
            let listed = try await admin.send(.get, "/api/email/accounts")
            #expect(listed.status == .ok)
            guard case .array(let accounts)? = listed.value("accounts") else {
                Issue.record("no accounts in \(listed.body)")
                return
            }
            #expect(accounts.count == 2, "the deactivated member is not listed")
            #expect(listed.value("team_domains") == .array(["fund.example"]))
            #expect(listed.value("service_account_saved") == false)
            #expect(listed.body.contains(#""state":"not_connected""#))
            #expect(listed.body.contains(#""last_sync_at":null"#))

            let on = try await admin.send(.patch, "/api/email/accounts/\(ada.id!)", json: #"{"sync_enabled": true}"#)
            #expect(on.status == .ok)
            #expect(on.value("account", "sync_enabled") == true)
            #expect(on.value("account", "email") == "ada@fund.example")
            let synced = try await app.database.pool.read { db in try EmailAccountStore.synced(db).map(\.email) }
            #expect(synced == ["ada@fund.example"])

            let now = try await admin.send(.post, "/api/email/accounts/\(ada.id!)/sync")
            #expect(now.status == .accepted)
            #expect(now.value("account", "sync_requested_at") != nil)

            let off = try await admin.send(.patch, "/api/email/accounts/\(ada.id!)", json: #"{"sync_enabled": false}"#)
            #expect(off.value("account", "sync_enabled") == false)
            let refused = try await admin.send(.post, "/api/email/accounts/\(ada.id!)/sync")
            #expect(refused.status == .conflict && refused.error == "sync_off")
        }
    }

    @Test func unknownDeactivatedAndMalformedChangesAreRefusedAndChangeNothing() async throws {
        let app = try TestApp()
        try await app.createUser("root@fund.example", role: .admin)
        let gone = try await app.createUser("gone@fund.example")
        try await app.database.pool.write { db in
            try db.execute(sql: "UPDATE users SET active = 0 WHERE id = ?", arguments: [gone.id])
        }
        try await app.test { admin in
            try await admin.login("root@fund.example")
            for (path, body, status) in [
                ("/api/email/accounts/999", #"{"sync_enabled": true}"#, HTTPResponse.Status.notFound),
                ("/api/email/accounts/\(gone.id!)", #"{"sync_enabled": true}"#, .notFound),
                ("/api/email/accounts/\(gone.id!)", #"{"sync_enabled": "yes"}"#, .badRequest),
                ("/api/email/accounts/\(gone.id!)", #"{}"#, .badRequest),
                ("/api/email/accounts/abc", #"{"sync_enabled": true}"#, .notFound),
                ("/api/email/accounts/\(gone.id!)", "[", .badRequest),
            ] {
                let reply = try await admin.send(.patch, path, json: body)
                #expect(reply.status == status, "\(path) \(body): \(reply.body)")
                #expect(reply.error != nil)
            }
            #expect(try await admin.send(.post, "/api/email/accounts/999/sync").status == .notFound)
            let rows = try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM email_accounts")
            }
            #expect(rows == 0)
        }
    }

    @Test func membersCannotSeeOrChangeWhoseMailIsRead() async throws {
        let app = try TestApp()
        let ada = try await app.createUser("ada@fund.example")
        try await app.test { member in
            try await member.login("ada@fund.example")
            #expect(try await member.send(.get, "/api/email/accounts").status == .forbidden)
            let own = try await member.send(.patch, "/api/email/accounts/\(ada.id!)", json: #"{"sync_enabled": true}"#)
            #expect(own.status == .forbidden, "not even their own")
            #expect(try await member.send(.post, "/api/email/accounts/\(ada.id!)/sync").status == .forbidden)
        }
    }

    @Test func teamDomainsAndCaptureSettingsAreValidatedAndNormalised() async throws {
        let app = try TestApp()
        try await app.createUser("root@fund.example", role: .admin)
        try await app.test { admin in
            try await admin.login("root@fund.example")
            let saved = try await admin.send(
                .patch,
                "/api/settings",
                json: #"""
                    {"email_team_domains": ["Fund.Example", "@fund-ventures.example", "fund.example"],
                     "email_blocked": ["Lawyer@Firm.example", "family.example"],
                     "email_privacy_level": "subject", "email_max_recipients": 30}
                    """#
            )
            #expect(saved.status == .ok, "\(saved.body)")
            #expect(saved.value("settings", "email_team_domains") == .array(["fund.example", "fund-ventures.example"]))
            #expect(saved.value("settings", "email_blocked") == .array(["lawyer@firm.example", "family.example"]))
            let listed = try await admin.send(.get, "/api/email/accounts")
            #expect(listed.value("team_domains") == .array(["fund.example", "fund-ventures.example"]))

            for bad in [
                #"{"email_team_domains": ["not a domain"]}"#, #"{"email_team_domains": "fund.example"}"#,
                #"{"email_blocked": ["a@"]}"#, #"{"email_blocked": [42]}"#,
                #"{"email_privacy_level": "everything"}"#, #"{"email_max_recipients": 1}"#,
                #"{"email_max_recipients": 2.5}"#,
                #"{"email_team_domains": [\#((0..<51).map { #""d\#($0).example""# }.joined(separator: ","))]}"#,
            ] {
                let refused = try await admin.send(.patch, "/api/settings", json: bad)
                #expect(refused.status == .unprocessableContent, "\(bad): \(refused.body)")
            }
            let unchanged = try await admin.send(.get, "/api/settings")
            #expect(unchanged.value("settings", "email_privacy_level") == "subject")
            #expect(unchanged.value("settings", "gmail_sync_window_days") == 90)
        }
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Testing

@testable import Shared
@testable import crm_api

@Suite struct MailTests {
    @Test func aTestMailIsQueuedForTheCallingAdminByDefault() async throws {
        let app = try TestApp(environment: ["CRM_SECRET_KEY": String(repeating: "s", count: 40)])
        try await app.createUser("ada@example.com", role: .admin)
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let queued = try await ada.send(.post, "/api/admin/digest/test-email", json: "{}")
            #expect(queued.status == .accepted, "\(queued.body)")
            #expect(queued.value("recipients") == ["ada@example.com"])
            #expect(queued.value("status") == "queued")
            #expect(queued.value("last_error") == .null)
            guard case .number(let id)? = queued.value("id") else { return }
            let shown = try await ada.send(.get, "/api/admin/mail/\(Int(id))")
            #expect(shown.status == .ok && shown.value("message_id") == queued.value("message_id"))
            #expect(!shown.body.contains("body"), "bodies are not shown")
            let mail = try await app.database.pool.read { db in try OutboundMail.fetchOne(db, key: Int64(id)) }
            #expect(mail?.messageId.hasSuffix("@crm.test>") == true)
            #expect(mail?.sealed == false, "a test mail carries no secret")
        }
    }

    @Test func badRequestsAreRefusedAndQueueNothing() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com", role: .admin)
        try await app.createUser("bob@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"to": ["bob@example.com"]}"#, .unprocessableContent, "recipients_not_allowed"),
                (#"{"to": ["ada@example.com", "x@evil.example"]}"#, .unprocessableContent, "recipients_not_allowed"),
                (
                    #"{"to": ["ada@example.com\r\nBcc: x@evil.example"]}"#, .unprocessableContent,
                    "recipients_not_allowed"
                ),
                (#"{"to": []}"#, .unprocessableContent, "invalid_request"),
                (
                    #"{"to": \#(Array(repeating: "\"ada@example.com\"", count: 21))}"#, .unprocessableContent,
                    "invalid_request"
                ),
                (#"{"to": "ada@example.com"}"#, .badRequest, "malformed_json"),
                (#"{"to": [1]}"#, .badRequest, "malformed_json"),
                (#"{"to": ["#, .badRequest, "malformed_json"),
            ]
            for (body, status, error) in cases {
                let reply = try await ada.send(.post, "/api/admin/digest/test-email", json: body)
                #expect(reply.status == status && reply.error == error, "\(body) → \(reply.status) \(reply.body)")
            }
            let refused = try await ada.send(
                .post,
                "/api/admin/digest/test-email",
                json: #"{"to": ["ada@example.com", "bob@example.com"]}"#
            )
            #expect(refused.value("details", "to") == ["bob@example.com"])
            #expect(try await ada.send(.get, "/api/admin/mail/999").status == .notFound)
            #expect(try await ada.send(.get, "/api/admin/mail/abc").status == .notFound)
            #expect(try await ada.send(.get, "/api/admin/mail?status=lost").status == .unprocessableContent)
            #expect(try await ada.send(.get, "/api/admin/mail").value("mail") == [])
        }
        #expect(try await app.database.pool.read { db in try OutboundMail.fetchCount(db) } == 0)
    }
}

extension MailTests {
    /// Product rule 3: a mail row set aside (deleted_at) is not shown.
    @Test func aDeletedMailIsNotShown() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com", role: .admin)
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let queued = try await ada.send(.post, "/api/admin/digest/test-email", json: "{}")
            guard case .number(let id)? = queued.value("id") else { return }
            try await app.database.pool.write { db in
                try db.execute(
                    sql: "UPDATE outbound_mail SET deleted_at = ? WHERE id = ?",
                    arguments: [Date(), Int64(id)]
                )
            }
            #expect(try await ada.send(.get, "/api/admin/mail/\(Int(id))").status == .notFound)
            #expect(try await ada.send(.get, "/api/admin/mail").value("mail") == [])
        }
    }
}

@Suite struct InviteMailTests {
    func reportSMTP(_ app: TestApp, configured: Bool) async throws {
        try await app.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO daemon_status (name, pid, version, status, started_at, last_beat_at, figures)
                    VALUES ('crm-mailer', 1, 'test', 'running', ?, ?, ?)
                    """,
                arguments: [Date(), Date(), #"{"smtp_configured": \#(configured)}"#]
            )
        }
    }

    @Test func anInviteIsMailedSealedOnlyWhenTheMailerHasSMTP() async throws {
        let app = try TestApp(environment: ["CRM_SECRET_KEY": String(repeating: "s", count: 40)])
        try await app.createUser("ada@example.com", role: .admin)
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let unmailed = try await ada.send(
                .post,
                "/api/admin/invites",
                json: #"{"email": "a@example.com", "role": "member"}"#
            )
            #expect(
                unmailed.status == .created && unmailed.value("mailed") == false && unmailed.value("mail_id") == nil
            )

            try await self.reportSMTP(app, configured: true)
            let mailed = try await ada.send(
                .post,
                "/api/admin/invites",
                json: #"{"email": "b@example.com", "role": "admin"}"#
            )
            #expect(mailed.status == .created && mailed.value("mailed") == true)
            guard case .number(let id)? = mailed.value("mail_id"), case .string(let token)? = mailed.value("token")
            else {
                Issue.record("no mail id or token: \(mailed.body)")
                return
            }
            let mail = try #require(
                try await app.database.pool.read { db in try OutboundMail.fetchOne(db, key: Int64(id)) }
            )
            #expect(mail.kind == .invite && mail.recipientList == ["b@example.com"] && mail.sealed)
            #expect(!mail.bodyText.contains(token) && !(mail.bodyHtml ?? "").contains(token))
            let opened = try #require(app.services.mailSeal?.open(mail.bodyText))
            #expect(opened.contains("\(TestApp.origin)/accept-invite#token=\(token)") && opened.contains("as an admin"))
            #expect(try await ada.send(.get, "/api/admin/mail/\(Int(id))").value("kind") == "invite")

            let byHand = try await ada.send(
                .post,
                "/api/admin/invites",
                json: #"{"email": "c@example.com", "role": "member", "send_email": false}"#
            )
            #expect(byHand.value("mailed") == false)
            let bad = try await ada.send(
                .post,
                "/api/admin/invites",
                json: #"{"email": "d@example.com", "role": "member", "send_email": "yes"}"#
            )
            #expect(bad.status == .badRequest)
        }
        #expect(try await app.database.pool.read { db in try OutboundMail.fetchCount(db) } == 1)
    }
}

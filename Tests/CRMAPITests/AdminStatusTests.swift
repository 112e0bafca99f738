import Foundation
import GRDB
import HTTPTypes
import Shared
import Testing

@testable import crm_api

/// The daemon status page's API: heartbeats read as running / silent / stopped / never started,
/// with queue depths and the newest backup; members are refused.
@Suite struct AdminStatusTests {
    @Test func daemonsReadAsRunningSilentStoppedOrNeverStartedWithTheQueues() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        let now = app.clock.clock.now()
        try await app.database.pool.write { db in
            for (name, status, beat) in [
                ("crm-api", "running", now), ("crm-mailer", "running", now.addingTimeInterval(-300)),
                ("crm-backup", "stopped", now.addingTimeInterval(-600)),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO daemon_status (name, pid, version, status, started_at, last_beat_at, figures)
                        VALUES (?, 42, 'test', ?, ?, ?, '{"queued": 3}')
                        """,
                    arguments: [name, status, now.addingTimeInterval(-3600), beat]
                )
            }
            for (index, status) in ["queued", "queued", "failed", "sent"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO outbound_mail (kind, idempotency_key, message_id, recipients, subject, body_text, status, sent_at)
                        VALUES ('test', ?, ?, '["root@example.com"]', 'S', 'B', ?, ?)
                        """,
                    arguments: ["k\(index)", "<\(index)@crm.test>", status, status == "sent" ? now : nil]
                )
            }
        }
        try await app.test { admin in
            try await admin.login("root@example.com")
            let reply = try await admin.send(.get, "/api/admin/status")
            #expect(reply.status == .ok, "\(reply.body)")
            guard case .array(let daemons)? = reply.value("daemons") else {
                Issue.record("no daemons in \(reply.body)")
                return
            }
            var states: [String: String] = [:]
            for case .object(let daemon) in daemons {
                if case .string(let name)? = daemon["name"], case .string(let state)? = daemon["state"] {
                    states[name] = state
                }
            }
            #expect(
                states == [
                    "crm-api": "running", "crm-mailer": "silent", "crm-backup": "stopped",
                    "crm-scheduler": "never_started",
                ]
            )
            #expect(reply.value("queues", "mail", "queued") == .number(2))
            #expect(reply.value("queues", "mail", "failed") == .number(1))
            #expect(reply.value("queues", "mail", "sent_last_day") == .number(1))
            #expect(reply.value("last_backup") == .null)

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(try await member.send(.get, "/api/admin/status").status == .forbidden)
        }
    }

    @Test func aSyncedMailboxWithoutAGoodSyncForThreeIntervalsIsStalled() async throws {
        let app = try TestApp(environment: ["CRM_GMAIL_SYNC_INTERVAL_S": "600"])
        try await app.createUser("root@example.com", role: .admin)
        let users = [
            try await app.createUser("fresh@example.com"), try await app.createUser("stale@example.com"),
            try await app.createUser("new@example.com"), try await app.createUser("never@example.com"),
            try await app.createUser("off@example.com"),
        ]
        let now = app.clock.clock.now()
        try await app.database.pool.write { db in
            for (user, enabled, lastSync, created) in [
                (users[0], true, now.addingTimeInterval(-1000), now.addingTimeInterval(-90_000)),
                (users[1], true, now.addingTimeInterval(-1900), now.addingTimeInterval(-90_000)),
                (users[2], true, nil, now.addingTimeInterval(-60)),
                (users[3], true, nil, now.addingTimeInterval(-3600)),
                (users[4], false, nil, now.addingTimeInterval(-90_000)),
            ] as [(User, Bool, Date?, Date)] {
                try db.execute(
                    sql: """
                        INSERT INTO email_accounts (user_id, sync_enabled, state, last_sync_at, last_error, created_at)
                        VALUES (?, ?, 'failing', ?, 'Scopes not authorised.', ?)
                        """,
                    arguments: [user.id, enabled, lastSync, created]
                )
            }
        }
        try await app.test { admin in
            try await admin.login("root@example.com")
            let report = try await admin.send(.get, "/api/admin/status")
            guard case .array(let mailboxes)? = report.value("mailboxes") else {
                Issue.record("no mailboxes in \(report.body)")
                return
            }
            var stalled: [String: Bool] = [:]
            for case .object(let mailbox) in mailboxes {
                if case .string(let email)? = mailbox["email"], case .bool(let flag)? = mailbox["stalled"] {
                    stalled[email] = flag
                }
            }
            #expect(
                stalled == [
                    "fresh@example.com": false, "stale@example.com": true, "new@example.com": false,
                    "never@example.com": true,
                ]
            )
            #expect(report.body.contains(#""last_error":"Scopes not authorised.""#))
        }
    }
}

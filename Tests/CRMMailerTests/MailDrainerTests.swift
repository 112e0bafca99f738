import Foundation
import GRDB
import Logging
import Shared
import SharedTesting
import Testing
@testable import crm_mailer

@Suite struct MailDrainerTests {
    @Test func aMailWhoseInviteWasRevokedIsNotSent() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let now = Date()
        let mail = try await database.pool.write { db in
            var invite = Invite(email: "new@example.com", role: .member, tokenHash: String(repeating: "b", count: 64), invitedBy: nil, now: now)
            try invite.insert(db)
            return try MailQueue.enqueue(
                MailDraft(kind: .invite, recipients: ["new@example.com"], subject: "Join", text: "link", idempotencyKey: "invite:1"),
                db: db, seal: nil, wake: nil, now: now)
        }
        let drainer = MailDrainer(
            database: database, smtp: nil, settings: MailerSettings(), seal: nil,
            heartbeat: Heartbeat(daemon: .mailer, database: database, logger: Logger(label: "test")), logger: Logger(label: "test"),
            now: { now })
        #expect(await drainer.recipientsStillAllowed(mail))
        try await database.pool.write { db in try db.execute(sql: "UPDATE invites SET revoked_at = ?", arguments: [now]) }
        #expect(await !drainer.recipientsStillAllowed(mail))
        _ = directory
    }

    @Test func withoutSMTPMailWaitsAndNothingIsDue() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO users (email, name, role, password_hash) VALUES ('ada@example.com', 'Ada', 'admin', 'x')")
            try MailQueue.enqueue(
                MailDraft(kind: .test, recipients: ["ada@example.com"], subject: "Hi", text: "x", idempotencyKey: "k"),
                db: db, seal: nil, wake: nil, now: Date())
        }
        let heartbeat = Heartbeat(daemon: .mailer, database: database, logger: Logger(label: "test"))
        let drainer = MailDrainer(
            database: database, smtp: nil, settings: MailerSettings(), seal: nil, heartbeat: heartbeat,
            logger: Logger(label: "test"), now: { Date() })
        #expect(await drainer.drain() == nil, "no retry timer: it would spin while SMTP is missing")
        #expect(try await database.pool.read { db in try String.fetchOne(db, sql: "SELECT status FROM outbound_mail") } == "queued")
        _ = directory
    }
}

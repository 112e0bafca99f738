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
}

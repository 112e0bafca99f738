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
            var invite = Invite(
                email: "new@example.com",
                role: .member,
                tokenHash: String(repeating: "b", count: 64),
                invitedBy: nil,
                now: now
            )
            try invite.insert(db)
            return try MailQueue.enqueue(
                MailDraft(
                    kind: .invite,
                    recipients: ["new@example.com"],
                    subject: "Join",
                    text: "link",
                    idempotencyKey: "invite:1"
                ),
                db: db,
                seal: nil,
                wake: nil,
                now: now
            )
        }
        let drainer = MailDrainer(
            database: database,
            smtp: nil,
            settings: MailerSettings(),
            seal: nil,
            heartbeat: Heartbeat(daemon: .mailer, database: database, logger: Logger(label: "test")),
            logger: Logger(label: "test"),
            now: { now }
        )
        #expect(await drainer.recipientsStillAllowed(mail))
        try await database.pool.write { db in try db.execute(sql: "UPDATE invites SET revoked_at = ?", arguments: [now])
        }
        #expect(await !drainer.recipientsStillAllowed(mail))
        _ = directory
    }

    @Test func withoutSMTPMailWaitsAndNothingIsDue() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (email, name, role, password_hash) VALUES ('ada@example.com', 'Ada', 'admin', 'x')"
            )
            try MailQueue.enqueue(
                MailDraft(kind: .test, recipients: ["ada@example.com"], subject: "Hi", text: "x", idempotencyKey: "k"),
                db: db,
                seal: nil,
                wake: nil,
                now: Date()
            )
        }
        let heartbeat = Heartbeat(daemon: .mailer, database: database, logger: Logger(label: "test"))
        let drainer = MailDrainer(
            database: database,
            smtp: nil,
            settings: MailerSettings(),
            seal: nil,
            heartbeat: heartbeat,
            logger: Logger(label: "test"),
            now: { Date() }
        )
        #expect(await drainer.drain() == nil, "no retry timer: it would spin while SMTP is missing")
        #expect(
            try await database.pool.read { db in try String.fetchOne(db, sql: "SELECT status FROM outbound_mail") }
                == "queued"
        )
        _ = directory
    }

    @Test func aMailPastItsFinalDotIsNeverClaimedAgainAndAStaleAttemptCannotMarkIt() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let start = Date()
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (email, name, role, password_hash) VALUES ('ada@example.com', 'Ada', 'admin', 'x')"
            )
            for key in ["first", "second"] {
                try MailQueue.enqueue(
                    MailDraft(
                        kind: .test,
                        recipients: ["ada@example.com"],
                        subject: "Hi",
                        text: "x",
                        idempotencyKey: key
                    ),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: start
                )
            }
        }
        let smtp = try #require(try SMTPConfig.load(environment: ["SMTP_HOST": "h.example.com", "SMTP_FROM": "a@b.c"]))
        let now = LockedClock(start)
        let drainer = MailDrainer(
            database: database,
            smtp: smtp,
            settings: MailerSettings(),
            seal: nil,
            heartbeat: Heartbeat(daemon: .mailer, database: database, logger: Logger(label: "test")),
            logger: Logger(label: "test"),
            now: { now.value }
        )
        let first = try #require(await drainer.claim(smtp: smtp))
        let second = try #require(await drainer.claim(smtp: smtp))
        #expect(drainer.markFinalDot(first), "the server may now have the first")
        #expect(!drainer.markFinalDot(first), "marked once per attempt")

        // Both mailers die; the leases run out.
        now.value = start + 3600
        let retaken = try #require(await drainer.claim(smtp: smtp))
        #expect(
            retaken.id == second.id && retaken.attempts == 2,
            "the one that never reached its final dot is sent again"
        )
        #expect(!drainer.markFinalDot(second), "the first attempt's mailer no longer holds the claim")
        #expect(await drainer.claim(smtp: smtp) == nil)
        let (status, error) = try #require(
            try await database.pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT status, last_error FROM outbound_mail WHERE id = ?",
                    arguments: [first.id]
                )
                .map { (String.fromDatabaseValue($0["status"]), String.fromDatabaseValue($0["last_error"])) }
            }
        )
        #expect(status == "failed" && error == SMTPFailure.uncertain.description)
        _ = directory
    }
}

/// A clock a test moves by hand, readable from the mailer's sending thread.
final class LockedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date
    init(_ date: Date) { self.date = date }
    var value: Date {
        get { self.lock.withLock { self.date } }
        set { self.lock.withLock { self.date = newValue } }
    }
}

import Foundation
import GRDB
import SharedTesting
import Synchronization
import Testing

@testable import Shared

@Suite struct MailQueueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func database() throws -> (AppDatabase, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try database.pool.write { db in
            for (email, role, active, deleted) in [
                ("ada@example.com", "admin", 1, false), ("bob@example.com", "member", 1, false),
                ("old@example.com", "admin", 0, false), ("gone@example.com", "admin", 1, true),
            ] {
                try db.execute(
                    sql:
                        "INSERT INTO users (email, name, role, active, password_hash, deleted_at) VALUES (?, ?, ?, ?, 'x', ?)",
                    arguments: [email, email, role, active, deleted ? self.now : nil]
                )
            }
        }
        return (database, directory)
    }

    func draft(_ to: [String], kind: OutboundMail.Kind = .test, key: String = UUID().uuidString) -> MailDraft {
        MailDraft(kind: kind, recipients: to, subject: "Hello", text: "Body", idempotencyKey: key)
    }

    @Test func testMailGoesOnlyToActiveAdmins() throws {
        let (database, directory) = try self.database()
        try database.pool.write { db in
            let mail = try MailQueue.enqueue(
                self.draft([" ADA@example.com "]),
                db: db,
                seal: nil,
                wake: nil,
                now: self.now
            )
            #expect(mail.recipientList == ["ada@example.com"])
            #expect(mail.status == .queued && mail.attempts == 0 && mail.nextAttemptAt == self.now)
            #expect(mail.messageId.hasPrefix("<") && mail.messageId.hasSuffix("@venture-crm.localhost>"))
        }
        for refused in ["bob@example.com", "old@example.com", "gone@example.com", "stranger@elsewhere.example"] {
            #expect(throws: MailQueueError.recipientsNotAllowed([refused])) {
                try database.pool.write { db in
                    try MailQueue.enqueue(
                        self.draft(["ada@example.com", refused], kind: .digest),
                        db: db,
                        seal: nil,
                        wake: nil,
                        now: self.now
                    )
                }
            }
        }
        #expect(throws: MailQueueError.recipientsNotAllowed(["ada@example.com\r\nBcc: x@evil.example"])) {
            try database.pool.write { db in
                try MailQueue.enqueue(
                    self.draft(["ada@example.com\r\nBcc: x@evil.example"]),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: self.now
                )
            }
        }
        #expect(throws: MailQueueError.noRecipients) {
            try database.pool.write { db in
                try MailQueue.enqueue(self.draft([]), db: db, seal: nil, wake: nil, now: self.now)
            }
        }
        #expect(try database.pool.read { db in try OutboundMail.fetchCount(db) } == 1, "refusals queue nothing")
        _ = directory
    }

    @Test func anInviteMailGoesOnlyToAPendingInvitesAddress() throws {
        let (database, directory) = try self.database()
        try database.pool.write { db in
            var invite = Invite(
                email: "new@example.com",
                role: .member,
                tokenHash: String(repeating: "a", count: 64),
                invitedBy: 1,
                now: self.now
            )
            try invite.insert(db)
            _ = try MailQueue.enqueue(
                self.draft(["new@example.com"], kind: .invite),
                db: db,
                seal: nil,
                wake: nil,
                now: self.now
            )
            #expect(throws: MailQueueError.recipientsNotAllowed(["ada@example.com"])) {
                try MailQueue.enqueue(
                    self.draft(["ada@example.com"], kind: .invite),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: self.now
                )
            }
            let later = self.now.addingTimeInterval(Invite.lifetime + 1)
            #expect(throws: MailQueueError.recipientsNotAllowed(["new@example.com"]), "an expired invite gets no mail")
            {
                try MailQueue.enqueue(
                    self.draft(["new@example.com"], kind: .invite),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: later
                )
            }
        }
        _ = directory
    }

    @Test func theSameIdempotencyKeyIsQueuedOnce() throws {
        let (database, directory) = try self.database()
        let (first, second) = try database.pool.write { db in
            (
                try MailQueue.enqueue(
                    self.draft(["ada@example.com"], key: "digest:2026-11-24"),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: self.now
                ),
                try MailQueue.enqueue(
                    self.draft(["ada@example.com"], key: "digest:2026-11-24"),
                    db: db,
                    seal: nil,
                    wake: nil,
                    now: self.now
                )
            )
        }
        #expect(first.id == second.id && first.messageId == second.messageId)
        #expect(try database.pool.read { db in try OutboundMail.fetchCount(db) } == 1)
        _ = directory
    }

    @Test func sealedBodiesAreUnreadableWithoutTheKey() throws {
        let (database, directory) = try self.database()
        let seal = MailSeal(secretKey: Secret(String(repeating: "k", count: 40)))
        var draft = self.draft(["ada@example.com"])
        draft.text = "token=crm_inv_SECRET"
        draft.html = "<a href='#token=crm_inv_SECRET'>join</a>"
        draft.sealBodies = true
        let mail = try database.pool.write { db in
            try MailQueue.enqueue(draft, db: db, seal: seal, wake: nil, now: self.now)
        }
        #expect(mail.sealed && !mail.bodyText.contains("SECRET") && !(mail.bodyHtml ?? "").contains("SECRET"))
        #expect(seal.open(mail.bodyText) == "token=crm_inv_SECRET")
        #expect(MailSeal(secretKey: Secret(String(repeating: "z", count: 40))).open(mail.bodyText) == nil)
        #expect(seal.open("not base64!") == nil)
        _ = directory
    }

    @Test func theMailerIsWokenOnlyAfterTheTransactionCommits() async throws {
        let (database, directory) = try self.database()
        let runDir = directory.path + "/run"
        try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        let socket = try WakeSocket(path: runDir + "/crm-mailer.sock")
        let received = Mutex<[String]>([])
        socket.start { line in received.withLock { $0.append(line) } }
        let wake = WakeSender(runDir: runDir)
        struct Rollback: Error {}
        _ = try? await database.pool.write { db in
            try MailQueue.enqueue(self.draft(["ada@example.com"]), db: db, seal: nil, wake: wake, now: self.now)
            throw Rollback()
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(received.withLock { $0 } == [], "a rolled-back mail wakes nobody")
        try await database.pool.write { db in
            _ = try MailQueue.enqueue(self.draft(["ada@example.com"]), db: db, seal: nil, wake: wake, now: self.now)
        }
        for _ in 0..<50 where received.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(received.withLock { $0 } == ["outbound"])
        await socket.stop()
        _ = directory
    }
}

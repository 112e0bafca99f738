import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// One message, one row: a second mailbox adds a participation; what the privacy level keeps is
/// all that is stored; an erased message stays erased.
struct CaptureStoreTests {
    let match = CaptureRules.Match(direction: .received, contactIds: [7], investorIds: [3])

    func kept(
        _ user: Int64,
        _ gmailId: String,
        privacy: CaptureStore.PrivacyLevel,
        direction: CaptureRules.Direction = .received
    )
        -> CaptureStore.Kept
    {
        let headers = CaptureRules.Message(
            labels: [],
            headers: [
                ("From", "Jane <jane@alder.example>"), ("To", "ann@fund.example"), ("Cc", "\"Bob\" <bob@fund.example>"),
                ("Subject", "Q3 close"), ("Message-ID", " <q3@alder.example> "),
                ("References", "<root@alder.example> <q2@alder.example>"),
            ]
        )
        return CaptureStore.Kept(
            userId: user,
            gmailId: gmailId,
            gmailThreadId: "t-\(gmailId)",
            headers: headers,
            body: "Can we meet?",
            sentAt: Date(timeIntervalSince1970: 1_800_000_000),
            privacy: privacy,
            match: CaptureRules.Match(direction: direction, contactIds: [7], investorIds: [3])
        )!
    }

    func database() throws -> (TemporaryDirectory, AppDatabase) {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO users (id, email, name, role, active, password_hash) VALUES
                        (1, 'ann@fund.example', 'Ann', 'admin', 1, 'x'), (2, 'bob@fund.example', 'Bob', 'member', 1, 'x');
                    INSERT INTO email_accounts (user_id, sync_enabled) VALUES (1, 1), (2, 1);
                    """
            )
        }
        return (directory, database)
    }

    @Test func aMessageInTwoMailboxesIsOneRowWithTwoParticipations() throws {
        let (directory, database) = try self.database()
        defer { withExtendedLifetime(directory) {} }
        let now = Date()
        try database.pool.write { db in
            try CaptureStore.keep(self.kept(1, "a1", privacy: .full), at: now, db)
            try CaptureStore.keep(self.kept(2, "b1", privacy: .full, direction: .sent), at: now, db)
            try CaptureStore.keep(self.kept(1, "a1", privacy: .full), at: now, db)
        }
        try database.pool.read { db in
            let message = try #require(try Row.fetchOne(db, sql: "SELECT * FROM email_messages"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM email_messages") == 1)
            #expect(message["rfc_message_id"] == "<q3@alder.example>")
            #expect(message["thread_key"] == "<root@alder.example>")
            #expect(message["body_text"] == "Can we meet?")
            #expect((message["recipients"] as String).contains(#""name":"Bob""#))
            let directions = try Row.fetchAll(
                db,
                sql: "SELECT user_id, direction FROM email_participations ORDER BY user_id"
            )
            #expect(directions.map { $0["direction"] as String } == ["received", "sent"])
            #expect(try CaptureStore.isSeen(userId: 1, gmailId: "a1", db))
            #expect(try Int.fetchOne(db, sql: "SELECT kept_count FROM email_accounts WHERE user_id = 1") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM email_message_links") == 2)
        }
    }

    @Test func aMessageWithoutASenderIsNeverKept() {
        let senderless = CaptureRules.Message(labels: [], headers: [("To", "ann@fund.example")])
        let kept = CaptureStore.Kept(
            userId: 1,
            gmailId: "x",
            gmailThreadId: "x",
            headers: senderless,
            body: nil,
            sentAt: Date(),
            privacy: .full,
            match: self.match
        )
        #expect(kept == nil)
    }

    @Test func thePrivacyLevelDecidesWhatIsStored() throws {
        for (level, subject, body) in [
            (CaptureStore.PrivacyLevel.metadata, nil, nil), (.subject, "Q3 close", nil),
            (.full, "Q3 close", "Can we meet?"),
        ] as [(CaptureStore.PrivacyLevel, String?, String?)] {
            let (directory, database) = try self.database()
            defer { withExtendedLifetime(directory) {} }
            try database.pool.write { db in try CaptureStore.keep(self.kept(1, "a1", privacy: level), at: Date(), db) }
            let row = try database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT subject, body_text, privacy FROM email_messages")
            }
            #expect(row?["subject"] as String? == subject && row?["body_text"] as String? == body, "\(level)")
            #expect(row?["privacy"] == level.rawValue)
        }
    }

    @Test func anErasedMessageIsNotCapturedAgainAndSkipsAreCounted() throws {
        let (directory, database) = try self.database()
        defer { withExtendedLifetime(directory) {} }
        try database.pool.write { db in
            try CaptureStore.keep(self.kept(1, "a1", privacy: .full), at: Date(), db)
            try db.execute(sql: "UPDATE email_messages SET deleted_at = '2026-12-01'")
            try CaptureStore.keep(self.kept(2, "b1", privacy: .full), at: Date(), db)
            try CaptureStore.skip(userId: 1, gmailId: "s1", reason: .bulk, db)
            try CaptureStore.skip(userId: 1, gmailId: "s2", reason: .bulk, db)
            try CaptureStore.gone(userId: 1, gmailId: "g1", db)
        }
        let (bobs, skips, gone) = try database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM email_participations WHERE user_id = 2"),
                try CaptureStore.skips(userId: 1, db), try CaptureStore.isSeen(userId: 1, gmailId: "g1", db)
            )
        }
        #expect(bobs == 0, "an erased message gains no participation")
        #expect(skips == ["bulk": 2])
        #expect(gone)
    }

    @Test func aFailingMessageWaitsLongerEachTimeThenCountsAsUnreadable() throws {
        let (directory, database) = try self.database()
        defer { withExtendedLifetime(directory) {} }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var waits: [TimeInterval] = []
        var now = start
        for _ in 1..<CaptureStore.retryAttempts {
            try database.pool.write { db in
                try CaptureStore.retryLater(userId: 1, gmailId: "m1", gmailThreadId: "t1", error: "500", at: now, db)
            }
            let next = try database.pool.read { db in
                try Date.fetchOne(db, sql: "SELECT next_attempt_at FROM email_retries WHERE gmail_id = 'm1'")
            }
            let due = try #require(next)
            waits.append(due.timeIntervalSince(now))
            let early = try database.pool.read { db in try CaptureStore.dueRetries(userId: 1, now: now, db) }
            #expect(early.isEmpty, "not due before its time")
            let asked = try database.pool.read { db in try CaptureStore.dueRetries(userId: 1, now: nil, db) }
            #expect(asked.map(\.gmailId) == ["m1"], "sync now tries it at once")
            now = due
        }
        #expect(waits == [60, 120, 240, 480, 960, 1920, 3840])
        try database.pool.write { db in
            try CaptureStore.retryLater(userId: 1, gmailId: "m1", gmailThreadId: "t1", error: "500", at: now, db)
        }
        let (queued, skips, seen) = try database.pool.read { db in
            (
                try CaptureStore.dueRetries(userId: 1, now: nil, db), try CaptureStore.skips(userId: 1, db),
                try CaptureStore.isSeen(userId: 1, gmailId: "m1", db)
            )
        }
        #expect(queued.isEmpty)
        #expect(skips == ["unreadable": 1])
        #expect(seen)
    }

    @Test func aQueuedMessageLeavesTheQueueOnceDecided() throws {
        let (directory, database) = try self.database()
        defer { withExtendedLifetime(directory) {} }
        let now = Date()
        try database.pool.write { db in
            try CaptureStore.retryLater(userId: 1, gmailId: "g1", gmailThreadId: "t-g1", error: "500", at: now, db)
            try CaptureStore.retryLater(userId: 2, gmailId: "g2", gmailThreadId: "t-g2", error: "500", at: now, db)
            try CaptureStore.keep(self.kept(1, "g1", privacy: .full), at: now, db)
            try CaptureStore.skip(userId: 2, gmailId: "g2", reason: .bulk, db)
        }
        let left = try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM email_retries") }
        #expect(left == 0)
    }
}

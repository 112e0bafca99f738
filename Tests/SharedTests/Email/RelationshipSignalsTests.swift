import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// What captured mail says about a relationship: when and with whom, the closest teammate, how
/// stale it is; read-only, and the later of mail and an entered date for investors.
struct RelationshipSignalsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func days(_ count: Double) -> Date { self.now.addingTimeInterval(-count * 86_400) }

    struct Fixture {
        let directory: TemporaryDirectory
        let database: AppDatabase
        let store: RecordStore
        let investor: Int64
        let contact: Int64
    }

    func fixture() async throws -> Fixture {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO users (id, email, name, role, active, password_hash) VALUES
                        (1, 'ann@fund.example', 'Ann', 'admin', 1, 'x'), (2, 'bob@fund.example', 'Bob', 'member', 1, 'x');
                    """
            )
        }
        let store = RecordStore(database: database, now: { self.now })
        let investor = try await store.create(.investors, fields: ["name": "Alder"], by: 1).id
        let contact = try await store.create(
            .contacts,
            fields: ["name": "Jane", "emails": ["jane@alder.example"], "investor_id": .number(Double(investor))],
            by: 1
        ).id
        return Fixture(directory: directory, database: database, store: store, investor: investor, contact: contact)
    }

    /// Keeps a message of `user`'s mailbox linked to the fixture's contact and investor.
    func keep(
        _ fixture: Fixture,
        _ user: Int64,
        _ id: String,
        from: String,
        at: Date,
        _ direction: CaptureRules.Direction
    )
        async throws
    {
        let headers = CaptureRules.Message(
            labels: [],
            headers: [("From", from), ("To", "someone@example.org"), ("Subject", id), ("Message-ID", "<\(id)@x>")]
        )
        let kept = try #require(
            CaptureStore.Kept(
                userId: user,
                gmailId: "\(id)-\(user)",
                gmailThreadId: id,
                headers: headers,
                body: nil,
                sentAt: at,
                privacy: .full,
                match: CaptureRules.Match(
                    direction: direction,
                    contactIds: [fixture.contact],
                    investorIds: [fixture.investor]
                )
            )
        )
        try await fixture.database.pool.write { db in try CaptureStore.keep(kept, at: self.now, db) }
    }

    func fields(_ fixture: Fixture, _ table: RecordTable, _ id: Int64) async throws -> [String: JSONValue] {
        try #require(try await fixture.store.get(table, id: id)).fields
    }

    @Test func mailSetsWhenWhoAndHowOftenOnTheContactAndItsInvestor() async throws {
        let fixture = try await self.fixture()
        defer { withExtendedLifetime(fixture.directory) {} }
        try await self.keep(fixture, 1, "first", from: "jane@alder.example", at: self.days(100), .received)
        try await self.keep(fixture, 1, "reply", from: "ann@fund.example", at: self.days(40), .sent)
        try await self.keep(fixture, 2, "latest", from: "jane@alder.example", at: self.days(10), .received)
        for (table, id) in [(RecordTable.contacts, fixture.contact), (.investors, fixture.investor)] {
            let fields = try await self.fields(fixture, table, id)
            #expect(fields["first_contacted_at"] == .string(ISO8601.string(self.days(100))))
            #expect(fields["last_contacted_at"] == .string(ISO8601.string(self.days(10))))
            #expect(fields["last_inbound_at"] == .string(ISO8601.string(self.days(10))))
            #expect(fields["last_outbound_at"] == .string(ISO8601.string(self.days(40))))
            #expect(fields["emails_30d"] == 1)
            #expect(fields["emails_90d"] == 2)
            #expect(fields["last_contacted_by"] == 2, "Bob had the latest mail")
            #expect(fields["closest_teammate"] == 1, "only Ann both wrote and was written to")
            #expect(fields["staleness"] == "fresh")
        }
    }

    @Test func stalenessFollowsTheSettingsAndTheClock() async throws {
        let fixture = try await self.fixture()
        defer { withExtendedLifetime(fixture.directory) {} }
        try await self.keep(fixture, 1, "old", from: "jane@alder.example", at: self.days(45), .received)
        #expect(try await self.fields(fixture, .contacts, fixture.contact)["staleness"] == "aging")
        try await fixture.database.pool.write { db in
            try AppSettings.update(["staleness_aging_days": 50, "staleness_stale_days": 90], by: 1, at: self.now, db)
        }
        #expect(try await self.fields(fixture, .contacts, fixture.contact)["staleness"] == "fresh")
        let later = self.now.addingTimeInterval(60 * 86_400)
        try await fixture.database.pool.write { db in
            try RelationshipSignals.refresh(
                Set(try RelationshipSignals.linkedRecords(db)),
                at: later,
                settings: try AppSettings.values(db),
                db
            )
        }
        let fields = try await self.fields(fixture, .contacts, fixture.contact)
        #expect(fields["staleness"] == "stale")
        #expect(fields["emails_90d"] == 0)
        await #expect(throws: RecordStoreError.self) {
            try await fixture.database.pool.write { db in
                try AppSettings.update(["staleness_aging_days": 90], by: 1, at: self.now, db)
            }
        }
        for bad: JSONValue in [0, 2.5e-42, 1.5, 4000, "30"] {
            #expect(throws: RecordStoreError.self, "\(bad)") {
                try fixture.database.pool.write { db in
                    try AppSettings.update(["staleness_aging_days": bad], by: 1, at: self.now, db)
                }
            }
        }
    }

    @Test func signalsCannotBeWrittenButAnEnteredDateCounts() async throws {
        let fixture = try await self.fixture()
        defer { withExtendedLifetime(fixture.directory) {} }
        try await self.keep(fixture, 1, "mail", from: "jane@alder.example", at: self.days(20), .received)
        let version = try #require(try await fixture.store.get(.investors, id: fixture.investor)).version
        for key in ["last_contacted_by", "staleness", "closest_teammate", "emails_30d"] {
            await #expect(throws: RecordStoreError.self) {
                _ = try await fixture.store.update(
                    .investors,
                    id: fixture.investor,
                    expectedVersion: version,
                    fields: [key: .null],
                    by: 1
                )
            }
        }
        let contactVersion = try #require(try await fixture.store.get(.contacts, id: fixture.contact)).version
        await #expect(throws: RecordStoreError.self) {
            _ = try await fixture.store.update(
                .contacts,
                id: fixture.contact,
                expectedVersion: contactVersion,
                fields: ["last_contacted_at": "2026-01-01T00:00:00Z"],
                by: 1
            )
        }
        let entered = ISO8601.string(self.days(2))
        // Written as clients wrote it before mail was captured: it goes to the entered date.
        let updated = try await fixture.store.update(
            .investors,
            id: fixture.investor,
            expectedVersion: version,
            fields: ["last_contacted_at": .string(entered)],
            by: 1
        )
        let fields = try await self.fields(fixture, .investors, updated.id)
        #expect(fields["last_contacted_entered_at"] == .string(entered))
        #expect(fields["last_contacted_at"] == .string(entered), "a call the team entered is later than the mail")
        #expect(fields["last_contacted_by"] == 1)
        let earlier = try await fixture.store.update(
            .investors,
            id: fixture.investor,
            expectedVersion: updated.version,
            fields: ["last_contacted_entered_at": .string(ISO8601.string(self.days(90)))],
            by: 1
        )
        #expect(earlier.fields["last_contacted_at"] == .string(ISO8601.string(self.days(20))), "the mail is later")
    }

    @Test func anErasedMessageNoLongerCounts() async throws {
        let fixture = try await self.fixture()
        defer { withExtendedLifetime(fixture.directory) {} }
        try await self.keep(fixture, 1, "kept", from: "jane@alder.example", at: self.days(50), .received)
        try await self.keep(fixture, 1, "erased", from: "jane@alder.example", at: self.days(5), .received)
        try await fixture.database.pool.write { db in
            try db.execute(
                sql: "UPDATE email_messages SET deleted_at = '2027-01-01 00:00:00.000' WHERE subject = 'erased'"
            )
            try RelationshipSignals.refresh(
                [.init(.contacts, fixture.contact)],
                at: self.now,
                settings: try AppSettings.values(db),
                db
            )
        }
        let fields = try await self.fields(fixture, .contacts, fixture.contact)
        #expect(fields["last_contacted_at"] == .string(ISO8601.string(self.days(50))))
        #expect(fields["emails_90d"] == 1)
    }

    @Test func aFormulaReadingASignalIsRecomputedWithIt() async throws {
        let fixture = try await self.fixture()
        defer { withExtendedLifetime(fixture.directory) {} }
        let field = try await FieldCatalog(database: fixture.database, now: { self.now }).create(
            .contacts,
            label: "Needs a call",
            type: .formula,
            options: nil,
            formula: #"IF({Staleness} = "fresh", "no", "yes")"#
        )
        #expect(try await self.fields(fixture, .contacts, fixture.contact)[field.key] == "yes")
        try await self.keep(fixture, 1, "mail", from: "jane@alder.example", at: self.days(3), .received)
        #expect(try await self.fields(fixture, .contacts, fixture.contact)[field.key] == "no")
    }
}

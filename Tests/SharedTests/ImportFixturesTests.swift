import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Imports the Airtable-style exports in Tests/Fixtures/airtable: every field type, quoting edge
/// cases, unicode names, a blank row, a trailing empty column, BOM and none, CRLF and LF.
@Suite struct ImportFixturesTests {
    typealias Fixture = CSVImporterTests.Fixture

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/airtable").path

    static func path(_ name: String) -> String { Self.directory + "/" + name }

    func importAll(_ fixture: Fixture) async throws -> [ImportPlan] {
        var plans: [ImportPlan] = []
        for (table, file, create) in [
            (RecordTable.investors, "Investors-Grid view.csv", true), (.funds, "Funds-Grid view.csv", false),
            (.contacts, "Contacts-Grid view.csv", false), (.commitments, "Commitments-Grid view.csv", false),
        ] {
            plans.append(
                try await fixture.run(Self.path(file), table, commit: true) {
                    $0.createFields = create
                    // Both of the commitments' dates read either way (2/1/2026, 5/1/2021): the caller says.
                    $0.dateOrders = ["Committed at": .monthFirst]
                }
            )
        }
        return plans
    }

    @Test func aWholeBaseImportsInOrderWithEveryValueRead() async throws {
        let fixture = try Fixture()
        let plans = try await self.importAll(fixture)
        #expect(
            plans.map(\.created) == [5, 2, 4, 3] && plans.allSatisfy { $0.errors.isEmpty },
            "\(plans.map(\.errors))"
        )
        let investors = plans[0]
        #expect(investors.key == ["Record ID"] && investors.blankRows == 1 && investors.columns.last?.action == .skip)
        #expect(
            investors.columns[5].header == "Check size min" && investors.columns[5].note == nil,
            "dollars into a USD field: no note"
        )
        let types = Dictionary(uniqueKeysWithValues: investors.newFields.map { ($0.header, $0.type) })
        #expect(
            types == [
                "AUM": .number, "Fee": .percent, "Warm intro": .checkbox, "Rating": .number, "Partner email": .email,
                "Phone": .text, "Deck": .text,
            ]
        )

        let records = try await fixture.records()
        func named(_ name: String) -> RecordValue? { records.first { $0.fields["name"] == .string(name) } }
        let acme = try #require(named("Acme Capital"))
        #expect(acme.fields["stage"] == "soft_circle" && acme.fields["type"] == "family_office")
        #expect(
            acme.fields["tags"] == .array(["Acme, Inc.", "ML"]) && acme.fields["check_size_min"] == .number(250_000)
        )
        #expect(
            acme.fields["next_step_at"] == "2026-01-15" && acme.fields["last_contacted_at"] == "2026-01-09T15:04:00Z"
        )
        #expect(acme.fields["notes"] == "Met at \"SaaStr\"; wants the deck.\nFollow up after Q1.")
        #expect(
            acme.fields["aum"] == .number(1_500_000_000) && acme.fields["fee"] == .number(0.15)
                && acme.fields["warm_intro"] == .bool(true)
        )
        #expect(acme.fields["location"] == "New York, NY" && acme.fields["partner_email"] == "ann@acme.example")
        let zurich = try #require(named("Zürich Pensionskasse"))
        #expect(zurich.fields["website"] == "https://zpk.example" && zurich.fields["next_step_at"] == "2028-02-29")
        #expect(zurich.fields["tags"] == .array(["Europe", "say \"hi\""]) && zurich.fields["fee"] == .number(0.0075))
        #expect(zurich.fields["notes"] == "Ansprechpartnerin: Frau Müller\n\n„Sehr interessiert“")
        #expect(named("日本 Growth Partners")?.fields["location"] == "東京")
        #expect(named("O'Brien & Sons, LLC")?.fields["stage"] == "passed" && named("Ünïcødé 🚀 Ventures") != nil)

        let contacts = try await fixture.records(.contacts)
        let ann = try #require(contacts.first { $0.fields["name"] == "Ann Lee" })
        #expect(ann.fields["investor_id"] == .number(Double(acme.id)) && ann.fields["is_primary"] == .bool(true))
        #expect(ann.fields["emails"] == .array(["ann@acme.example", "a.lee@acme.example"]))
        #expect(contacts.first { $0.fields["name"] == "Pat O'Brien" }?.fields["investor_id"] != .null)
        let commitments = try await fixture.records(.commitments)
        #expect(
            commitments.map { $0.fields["amount"] } == [.number(2_500_000), .number(10_000_000), .number(1_000_000)]
        )
        #expect(commitments.map { $0.fields["status"] } == ["committed", "soft_circle", "wired"])
        #expect(commitments.map { $0.fields["committed_at"] } == ["2026-02-01", .null, "2021-05-01"])
        #expect(plans[3].key == ["Investor", "Fund"] && plans[3].columns[0].action == .skip)
    }

    @Test func aDryRunPlansExactlyWhatTheCommitDoes() async throws {
        let fixture = try Fixture()
        let path = Self.path("Investors-Grid view.csv")
        let dry = try await fixture.run(path) { $0.createFields = true }
        let committed = try await fixture.run(path, commit: true) { $0.createFields = true }
        func comparable(_ plan: ImportPlan) -> ImportPlan {
            var plan = plan
            plan.dryRun = false
            plan.runId = nil
            plan.rows = plan.rows.map { row in
                var row = row
                row.recordId = nil
                return row
            }
            return plan
        }
        #expect(comparable(dry) == comparable(committed))
    }

    @Test func reimportingChangesNothingAndAnEditedExportOnlyItsCells() async throws {
        let fixture = try Fixture()
        _ = try await self.importAll(fixture)
        let history = try fixture.count("SELECT count(*) FROM record_history")
        for (table, file) in [
            (RecordTable.investors, "Investors-Grid view.csv"), (.funds, "Funds-Grid view.csv"),
            (.contacts, "Contacts-Grid view.csv"),
            (.commitments, "Commitments-Grid view.csv"),
        ] {
            let again = try await fixture.run(Self.path(file), table, commit: true) {
                $0.dateOrders = ["Committed at": .monthFirst]
            }
            #expect(again.created == 0 && again.updated == 0 && again.errors.isEmpty, "\(file): \(again.rows)")
        }
        #expect(try fixture.count("SELECT count(*) FROM record_history") == history)

        let edited = try await fixture.run(Self.path("Investors-Grid view (edited).csv"), commit: true)
        #expect(edited.updated == 2 && edited.unchanged == 3)
        #expect(edited.rows.map { $0.changes.keys.sorted() } == [["stage"], ["notes"]])
        #expect(try fixture.count("SELECT count(*) FROM record_history") == history + 2)
    }

    @Test func aDayFirstExportWithoutBOMOrFinalNewline() async throws {
        let fixture = try Fixture()
        let plan = try await fixture.run(Self.path("Investors-Europe.csv"), commit: true) {
            $0.timeZone = TimeZone(identifier: "Europe/Paris")
        }
        #expect(plan.errors.isEmpty && plan.created == 3)
        #expect(plan.columns[2].dateOrder == .dayFirst && plan.columns[3].dateOrder == .dayFirst)
        let records = try await fixture.records()
        #expect(records.map { $0.fields["next_step_at"] } == ["2026-01-13", "2026-03-02", "2026-10-22"])
        #expect(
            records.map { $0.fields["last_contacted_at"] } == ["2025-04-25T13:01:00Z", "2025-10-19T20:00:00Z", .null]
        )
        #expect(records.map { $0.fields["name"] } == ["Lyon Family Office", "Kraków Endowment", "Ærø Foundation"])
        #expect(records[0].fields["check_size_min"] == .number(750_000))
        #expect(
            plan.columns[4].note
                == "The amounts are written in EUR; Check size min is in USD. They are imported as they stand, not converted."
        )
    }

    @Test func anErrorInTheLastRowCommitsNothing() async throws {
        let fixture = try Fixture()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.path("Investors-Grid view.csv"))))
        bytes += Array("rec8f2KqLmN3pQrS9,Last One,Warm,,,,,,,,,,,,,,,,\r\n".utf8)
        let path = try fixture.file(bytes)
        await #expect {
            try await fixture.run(path, commit: true) { $0.createFields = true }
        } throws: { error in
            guard case CSVImporter.Failure.rejected(let plan) = error else { return false }
            return plan.errors.map(\.line) == [11] && plan.created == 5
        }
        #expect(try await fixture.records().isEmpty)
        #expect(try fixture.count("SELECT count(*) FROM fundraising_fields WHERE is_core = 0") == 0)
        #expect(try fixture.count("SELECT count(*) FROM import_record_ids") == 0)
        #expect(try fixture.count("SELECT count(*) FROM import_runs") == 0)
    }

    @Test func hostileFilesAreReportedNeverCrashOrHalfImport() async throws {
        let fixture = try Fixture()
        let unterminated = try await fixture.run(try fixture.file("Name\nA\n\"B,\nC\nD\n", bom: false), commit: true) {
            $0.skipInvalidRows = true
        }
        #expect(unterminated.created == 1 && unterminated.errors.first?.line == 3)
        #expect(unterminated.errors.first?.message.contains("never closed") == true)

        await #expect {
            try await fixture.run(try fixture.file(Array(String(repeating: "a,", count: 1_000_000).utf8)))
        } throws: { error in
            error as? CSVImporter.Failure
                == .unreadable("The header row cannot be read: line 1: more than 10000 cells (byte 20001).")
        }

        var generator = SplitMix64(seed: 42)
        for round in 0..<20 {
            let garbage = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let path = try fixture.file(Array("Name\n".utf8) + garbage)
            do {
                let plan = try await fixture.run(path, commit: true) { $0.skipInvalidRows = true }
                #expect(plan.hasFileErrors == false || plan.created == 0, "round \(round)")
            } catch CSVImporter.Failure.rejected(let plan) {
                #expect(plan.hasFileErrors, "round \(round)")
            }
        }
        let live = try fixture.count("SELECT count(*) FROM fundraising_investors")
        let imported = try fixture.count("SELECT coalesce(sum(created), 0) FROM import_runs")
        #expect(live == imported)
    }
}

/// A small seeded generator, so a failing garbage round can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

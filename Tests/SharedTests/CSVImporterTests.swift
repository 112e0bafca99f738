import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// The import engine against a real database, with files written as Airtable writes them.
@Suite struct CSVImporterTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    final class Fixture: @unchecked Sendable {
        let directory: TemporaryDirectory
        let database: AppDatabase
        var fileCount = 0

        init() throws {
            self.directory = try TemporaryDirectory()
            self.database = try self.directory.migratedDatabase()
        }

        func file(_ text: String, bom: Bool = true) throws -> String {
            try self.file(Array((bom ? "\u{FEFF}" : "").utf8) + Array(text.utf8))
        }

        func file(_ bytes: [UInt8]) throws -> String {
            self.fileCount += 1
            let path = self.directory.path + "/import-\(self.fileCount).csv"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        func run(
            _ path: String,
            _ table: RecordTable = .investors,
            commit: Bool = false,
            _ configure: (inout ImportOptions) -> Void = { _ in }
        )
            async throws -> ImportPlan
        {
            var options = ImportOptions(
                table: table,
                fileName: "\(table.rawValue.capitalized)-Grid view.csv",
                dryRun: !commit
            )
            configure(&options)
            return try await CSVImporter(database: self.database, now: { Date(timeIntervalSince1970: 1_800_000_000) })
                .run(path: path, options: options, by: nil)
        }

        func records(_ table: RecordTable = .investors) async throws -> [RecordValue] {
            try await RecordStore(database: self.database).list(table, limit: 1000, afterId: nil).records
        }

        func count(_ sql: String) throws -> Int {
            try self.database.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
    }

    /// An investors grid view as Airtable exports it: BOM, CRLF with a final one, quoted commas,
    /// quotes and line breaks, a multi-select with an item holding a comma, display values.
    static let investors = #"""
        Name,Stage,Tags,Check size min,Next step date,Notes
        Acme Capital,Soft Circle,"""Acme, Inc."",ML","$1,234.56",1/15/2024,"Met at ""SaaStr""
        second line"
        Birch Family Office,prospect,,,,
        Cedar Endowment,meeting,longshot,"$5,000,000.00",2/29/2024,

        """#.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func aDryRunPlansAndWritesNothing() async throws {
        let fixture = try Fixture()
        let plan = try await fixture.run(try fixture.file(Self.investors))
        #expect(plan.dryRun && plan.created == 3 && plan.updated == 0 && plan.unchanged == 0 && plan.errors.isEmpty)
        #expect(
            plan.key == ["Name"] && plan.timeZone == "UTC" && plan.file.records == 3 && plan.file.sha256.count == 64
        )
        #expect(plan.columns.map(\.action) == [.match, .match, .match, .match, .match, .match])
        #expect(plan.rows.first?.changes["tags"]?.new == .array(["Acme, Inc.", "ML"]))
        #expect(plan.rows.first?.changes["notes"]?.new == .string("Met at \"SaaStr\"\r\nsecond line"))
        #expect(try await fixture.records().isEmpty)
        #expect(try fixture.count("SELECT count(*) FROM import_runs") == 0)
    }

    @Test func aCommitCreatesRecordsWithHistoryAndARun() async throws {
        let fixture = try Fixture()
        let plan = try await fixture.run(try fixture.file(Self.investors), commit: true)
        #expect(!plan.dryRun && plan.created == 3 && plan.runId != nil)
        let records = try await fixture.records()
        let acme = try #require(records.first { $0.fields["name"] == "Acme Capital" })
        #expect(acme.fields["stage"] == "soft_circle")
        #expect(acme.fields["tags"] == .array(["Acme, Inc.", "ML"]))
        #expect(acme.fields["check_size_min"] == .number(1234.56))
        #expect(acme.fields["next_step_at"] == "2024-01-15")
        let cedar = try #require(records.first { $0.fields["name"] == "Cedar Endowment" })
        #expect(cedar.fields["check_size_min"] == .number(5_000_000) && cedar.fields["next_step_at"] == "2024-02-29")
        #expect(try fixture.count("SELECT count(*) FROM record_history WHERE action = 'create'") > 3)
        let run = try await fixture.database.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM import_runs")! }
        #expect(run["created"] as Int == 3 && run["file_sha256"] as String == plan.file.sha256)
        #expect(run["file_name"] as String == "Investors-Grid view.csv")
    }

    @Test func theSameFileTwiceChangesNothingAndAnEditedExportOnlyItsCell() async throws {
        let fixture = try Fixture()
        let path = try fixture.file(Self.investors)
        _ = try await fixture.run(path, commit: true)
        let history = try fixture.count("SELECT count(*) FROM record_history")
        let again = try await fixture.run(path, commit: true)
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 3 && again.rows.isEmpty)
        #expect(try fixture.count("SELECT count(*) FROM record_history") == history)

        // Airtable's export of the edited base: another case in the name, one stage moved on.
        let edited = Self.investors.replacingOccurrences(
            of: "Birch Family Office,prospect",
            with: "BIRCH family office ,intro"
        )
        let plan = try await fixture.run(try fixture.file(edited), commit: true)
        #expect(plan.created == 0 && plan.updated == 1 && plan.unchanged == 2)
        let row = try #require(plan.rows.first)
        #expect(row.line == 4 && row.action == .update)
        #expect(row.changes["stage"] == ImportPlan.Change(old: "prospect", new: "intro"))
        #expect(row.changes["name"] == ImportPlan.Change(old: "Birch Family Office", new: "BIRCH family office"))
        #expect(try fixture.count("SELECT count(*) FROM record_history") == history + 2)
        #expect(try fixture.count("SELECT count(*) FROM import_runs") == 3)
    }

    @Test func blankAndDuplicateKeysAreRowErrorsAndCommitNothingUnlessSkipped() async throws {
        let fixture = try Fixture()
        let path = try fixture.file(
            "Name,Stage\nAcme,prospect\n  ,intro\nBirch,meeting\nacme ,intro\nCedar,warm\n",
            bom: false
        )
        let plan = try await fixture.run(path)
        #expect(plan.created == 2 && plan.errorCount == 3)
        #expect(plan.errors.map(\.line) == [3, 5, 6])
        #expect(plan.errors[0].message.contains("blank") && plan.errors[1].message == "Line 2 has the same key (Name).")
        #expect(plan.errors[2].column == "Stage" && plan.errors[2].message.contains("one of"))
        await #expect {
            try await fixture.run(path, commit: true)
        } throws: { error in
            guard case CSVImporter.Failure.rejected(let rejected) = error else { return false }
            return rejected.errorCount == 3
        }
        #expect(try await fixture.records().isEmpty)
        #expect(try fixture.count("SELECT count(*) FROM import_runs") == 0)

        let skipped = try await fixture.run(path, commit: true) { $0.skipInvalidRows = true }
        #expect(skipped.created == 2 && skipped.skipped == 3 && skipped.errorCount == 3)
        #expect(try await fixture.records().map { $0.fields["name"] } == ["Acme", "Birch"])
    }

    @Test func unknownColumnsBecomeTypedFieldsOnlyWhenAsked() async throws {
        let fixture = try Fixture()
        let csv = """
            Name,AUM,Fee,First met,Warm,Sectors,Site,Partner email,Deck
            A,"1,000",2%,4 March 2024,checked,"AI,Fintech",https://a.example,ann@a.example,deck.pdf (https://dl.airtable.com/x/deck.pdf)
            B,250,1.5%,2024-03-05,,Fintech,https://b.example,bo@b.example,
            C,,,,,"AI,Health",,,
            D,7,0%,,,AI,,,
            """
        let skipped = try await fixture.run(try fixture.file(csv))
        #expect(
            skipped.columns.dropFirst().allSatisfy { $0.action == .skip && $0.note != nil } && skipped.newFields.isEmpty
        )

        let plan = try await fixture.run(try fixture.file(csv), commit: true) { $0.createFields = true }
        #expect(plan.created == 4 && plan.errors.isEmpty)
        let types = Dictionary(uniqueKeysWithValues: plan.newFields.map { ($0.header, $0.type) })
        #expect(
            types == [
                "AUM": .number, "Fee": .percent, "First met": .date, "Warm": .checkbox, "Sectors": .multiSelect,
                "Site": .url, "Partner email": .email, "Deck": .text,
            ]
        )
        let a = try #require(try await fixture.records().first)
        #expect(
            a.fields["aum"] == .number(1000) && a.fields["fee"] == .number(0.02)
                && a.fields["first_met"] == "2024-03-04"
        )
        #expect(a.fields["warm"] == .bool(true) && a.fields["sectors"] == .array(["AI", "Fintech"]))
        #expect(a.fields["deck"] == "deck.pdf (https://dl.airtable.com/x/deck.pdf)")
        let catalog = try await fixture.database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        #expect(catalog.first { $0.key == "sectors" }?.optionValues["choices"] == .array(["AI", "Fintech", "Health"]))
    }

    @Test func ambiguousDatesAreTheCallersChoiceNeverAGuess() async throws {
        let fixture = try Fixture()
        let path = try fixture.file("Name,Next step date\nA,3/4/2024\nB,5/6/2024\n", bom: false)
        let plan = try await fixture.run(path)
        #expect(plan.hasFileErrors && plan.errors.first?.column == "Next step date")
        #expect(plan.errors.first?.message.contains("day-first or month-first") == true)
        await #expect(throws: CSVImporter.Failure.self) {
            try await fixture.run(path, commit: true) { $0.skipInvalidRows = true }
        }

        let chosen = try await fixture.run(path, commit: true) { $0.dateOrders = ["Next step date": .dayFirst] }
        #expect(chosen.columns[1].dateOrder == .dayFirst)
        #expect(try await fixture.records().map { $0.fields["next_step_at"] } == ["2024-04-03", "2024-06-05"])

        // One value past 12 decides the column: 13/4 can only be day-first.
        let decided = try await fixture.run(
            try fixture.file("Name,Next step date\nA,3/4/2024\nB,13/4/2024\n", bom: false)
        )
        #expect(decided.errors.isEmpty && decided.columns[1].dateOrder == .dayFirst)
    }

    @Test func exportedTimesAreReadInTheChosenZone() async throws {
        let fixture = try Fixture()
        let path = try fixture.file("Name,Last contacted\nA,1/15/2024 3:04pm\nB,2024-07-01 09:30\n", bom: false)
        let plan = try await fixture.run(path, commit: true) { $0.timeZone = TimeZone(identifier: "America/New_York") }
        #expect(plan.timeZone == "America/New_York")
        #expect(
            try await fixture.records().map { $0.fields["last_contacted_at"] } == [
                "2024-01-15T20:04:00Z", "2024-07-01T13:30:00Z",
            ]
        )
        try await fixture.database.pool.write { db in
            try AppSettings.update(["time_zone": "Europe/Zurich"], by: nil, at: self.now, db)
        }
        let teamZone = try await fixture.run(path)
        #expect(teamZone.timeZone == "Europe/Zurich")
        #expect(
            teamZone.updated == 2
                && teamZone.rows[0].changes["last_contacted_entered_at"]?.new == "2024-01-15T14:04:00Z"
        )
    }

    @Test func linkedTablesResolveByNameOrRecordId() async throws {
        let fixture = try Fixture()
        _ = try await fixture.run(
            try fixture.file(
                "Record ID,Name\nrecAAAAAAAAAAAA01,Acme\nrecAAAAAAAAAAAA02,Birch\nrecAAAAAAAAAAAA03,Twin\nrecAAAAAAAAAAAA04,twin\n"
            ),
            commit: true
        )
        _ = try await fixture.run(try fixture.file("Name,Vintage\nFund I,2024\n"), .funds, commit: true)
        let contacts = """
            Name,Investor,Emails
            Ann,Acme,ann@acme.example
            Bo,recAAAAAAAAAAAA02,"bo@birch.example,bo2@birch.example"
            Cy,Nobody,
            Di,Twin,
            """
        let plan = try await fixture.run(try fixture.file(contacts), .contacts, commit: true) {
            $0.skipInvalidRows = true
        }
        #expect(plan.created == 2 && plan.skipped == 2)
        #expect(plan.errors.map(\.line) == [4, 5])
        #expect(plan.errors[0].message == "No investor is named \"Nobody\" (import investors first).")
        #expect(plan.errors[1].message.contains("2 investors are named"))
        let investors = try await fixture.records()
        let byName = Dictionary(
            uniqueKeysWithValues: investors.map { (JSONValue.encode($0.fields["name"]!), $0.id) }.map {
                (String($0.0.dropFirst().dropLast()), $0.1)
            }
        )
        let created = try await fixture.records(.contacts)
        #expect(
            created.map { $0.fields["investor_id"] } == [
                .number(Double(byName["Acme"]!)), .number(Double(byName["Birch"]!)),
            ]
        )
        #expect(created[1].fields["emails"] == .array(["bo@birch.example", "bo2@birch.example"]))

        let commitments = "Investor,Fund,Amount\nAcme,Fund I,\"$250,000\"\nBirch,Fund I,\"$100,000\"\n"
        let first = try await fixture.run(try fixture.file(commitments), .commitments, commit: true)
        #expect(first.key == ["Investor", "Fund"] && first.created == 2)
        let second = try await fixture.run(
            try fixture.file(commitments.replacingOccurrences(of: "100,000", with: "150,000")),
            .commitments
        )
        #expect(second.updated == 1 && second.unchanged == 1)

        // Renamed in Airtable: the record id still finds the record.
        let renamed = try await fixture.run(
            try fixture.file("Record ID,Name\nrecAAAAAAAAAAAA01,Acme Capital\n"),
            commit: true
        )
        #expect(renamed.updated == 1 && renamed.created == 0 && renamed.key == ["Record ID"])
        #expect(try await fixture.records().first { $0.id == byName["Acme"] }?.fields["name"] == "Acme Capital")
    }

    @Test func archivingMissingRecordsIsOptInAndRestorable() async throws {
        let fixture = try Fixture()
        _ = try await fixture.run(try fixture.file("Name\nA\nB\nC\n"), commit: true)
        let path = try fixture.file("Name\nA\nC\n")
        let kept = try await fixture.run(path, commit: true)
        let kept3 = try await fixture.records().count
        #expect(kept.archived == 0 && kept3 == 3)
        let archived = try await fixture.run(path, commit: true) { $0.archiveMissing = true }
        #expect(archived.archived == 1 && archived.rows.first?.action == .archive)
        #expect(try await fixture.records().map { $0.fields["name"] } == ["A", "C"])
        let b = try #require(archived.rows.first?.recordId)
        #expect(
            try await RecordStore(database: fixture.database).restore(.investors, id: b, by: nil).fields["name"] == "B"
        )

        // A row that cannot be matched could be any record: nothing is archived.
        let unsure = try await fixture.run(try fixture.file("Name,Stage\nA,prospect\n\"C,x\ny\n"), commit: false) {
            $0.archiveMissing = true
            $0.skipInvalidRows = true
        }
        #expect(unsure.hasFileErrors && unsure.archived == 0)
    }

    @Test func malformedFilesAreReportedWithLinesAndOffsets() async throws {
        let fixture = try Fixture()
        let ragged = try await fixture.run(
            try fixture.file("Name,Stage\nA,prospect\nB\nC,intro,extra\n\"D\"x,intro\nE,intro\n", bom: false)
        )
        #expect(ragged.created == 2 && ragged.errors.map(\.line) == [3, 4, 5])
        #expect(ragged.errors[0].message == "This row has 1 cells; the header has 2.")
        #expect(ragged.errors[2].message.contains("closing quote"))

        let latin1 = try await fixture.run(
            try fixture.file(Array("Name\nZ\u{FC}rich AG\n".utf8.prefix(5)) + [0x5A, 0xFC, 0x72, 0x0A])
        )
        #expect(latin1.hasFileErrors && latin1.errors.first?.message.contains("byte 6") == true)

        await #expect(throws: CSVImporter.Failure.unreadable("The file is empty: it has no header row.")) {
            try await fixture.run(try fixture.file([]))
        }
    }

    @Test func mappingOverridesAndBadOptionsAreRefused() async throws {
        let fixture = try Fixture()
        let path = try fixture.file("Company,Phase,Ignore me\nAcme,intro,x\n")
        let plan = try await fixture.run(path) {
            let skip: String? = nil
            $0.mapping = ["Company": "name", "Phase": "stage", "Ignore me": skip]
        }
        #expect(plan.created == 1 && plan.columns.map(\.action) == [.match, .match, .skip])
        await #expect(throws: CSVImporter.Failure.invalidOption("mapping", "The file has no column \"Nope\".")) {
            try await fixture.run(path) { $0.mapping = ["Nope": "name"] }
        }
        await #expect(throws: CSVImporter.Failure.invalidOption("mapping", "Investors have no field \"ghost\".")) {
            try await fixture.run(path) { $0.mapping = ["Company": "ghost"] }
        }
        await #expect(throws: CSVImporter.Failure.invalidOption("key", "The file has no column \"Nope\".")) {
            try await fixture.run(path) { $0.key = ["Nope"] }
        }
        let firstIsName = try await fixture.run(path)
        #expect(
            !firstIsName.hasFileErrors && firstIsName.columns.first?.field == "name",
            "Airtable's first column is its primary field"
        )
        let noKey = try await fixture.run(path) { $0.mapping = ["Company": String?.none] }
        #expect(noKey.hasFileErrors && noKey.errors.first?.message.contains("No column goes into Name") == true)
        let twice = try await fixture.run(try fixture.file("Name,name\nA,B\n"))
        #expect(twice.hasFileErrors && twice.errors.first?.message.contains("two columns") == true)
    }

    @Test func hostileHeadersAndValuesAreTakenLiterally() async throws {
        let fixture = try Fixture()
        let csv =
            "Name,\"x\"\"); DROP TABLE users; --\",100%_off\n\"Robert'); DROP TABLE fundraising_investors; --\",\"%_\",'\n"
        let plan = try await fixture.run(try fixture.file(csv), commit: true) { $0.createFields = true }
        #expect(plan.created == 1 && plan.newFields.count == 2)
        let record = try #require(try await fixture.records().first)
        #expect(record.fields["name"] == "Robert'); DROP TABLE fundraising_investors; --")
        #expect(record.fields[plan.newFields[0].key] == "%_" && plan.newFields[0].label == "x\"); DROP TABLE users; --")
        #expect(try fixture.count("SELECT count(*) FROM users") == 0)
    }

    @Test func customSelectsGainOptionsBuiltInOnesDoNot() async throws {
        let fixture = try Fixture()
        _ = try await FieldCatalog(database: fixture.database).create(
            .investors,
            label: "Region",
            type: .singleSelect,
            options: ["choices": ["Europe"]]
        )
        let plan = try await fixture.run(
            try fixture.file("Name,Region,Stage\nA,europe,intro\nB,Asia,intro\nC,Asia,warm\n"),
            commit: true
        ) {
            $0.skipInvalidRows = true
        }
        #expect(plan.newOptions == ["region": ["Asia"]] && plan.created == 2 && plan.errors.map(\.line) == [4])
        let catalog = try await fixture.database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        #expect(catalog.first { $0.key == "region" }?.optionValues["choices"] == .array(["Europe", "Asia"]))
        #expect(try await fixture.records().map { $0.fields["region"] } == ["Europe", "Asia"])
    }

    /// A real investor export whose primary column is "Name (Institution or Individual)": the
    /// plan said 0 to create and "No column goes into Name". Airtable's first column is its
    /// primary field, so it goes into Name unless the user says otherwise.
    @Test func theFirstColumnGoesIntoNameWhenNoHeaderMatchesIt() async throws {
        let fixture = try Fixture()
        let csv = "Name (Institution or Individual),Stage,Location\nAcme Capital,intro,Basel\nBirch,meeting,\n"
        let plan = try await fixture.run(try fixture.file(csv), commit: true)
        #expect(plan.errors.isEmpty && plan.created == 2)
        #expect(plan.columns.first?.field == "name" && plan.columns.first?.note?.contains("primary field") == true)
        #expect(try await fixture.records().compactMap { $0.fields["name"]?.stringValue } == ["Acme Capital", "Birch"])

        let again = try await fixture.run(try fixture.file(csv))
        #expect(again.unchanged == 2 && again.created == 0, "the same file again changes nothing")

        let skipped = try await fixture.run(try fixture.file(csv)) {
            $0.mapping = ["Name (Institution or Individual)": nil]
        }
        #expect(
            skipped.errors.first?.message.contains("No column goes into Name") == true,
            "a column the user skipped stays skipped"
        )
        let named = try await fixture.run(try fixture.file("Org,Name\nAcme Capital,Acme\n"))
        #expect(named.columns.first?.field == nil, "a file that has a Name column keeps its first column as it matched")
    }

    @Test func ourOwnExportImportsBackUnchanged() async throws {
        let fixture = try Fixture()
        let store = RecordStore(database: fixture.database)
        _ = try await FieldCatalog(database: fixture.database).create(
            .investors,
            label: "Fee",
            type: .percent,
            options: nil
        )
        _ = try await store.create(
            .investors,
            fields: [
                "name": "Acme, Inc.", "stage": "soft_circle", "tags": ["a,b", "say \"hi\""], "check_size_min": 1234.5,
                "last_contacted_at": "2024-01-15T20:04:00Z", "next_step_at": "2024-03-04", "notes": "two\nlines",
                "fee": 0.155,
                "website": "https://acme.example",
            ],
            by: nil
        )
        _ = try await store.create(.investors, fields: ["name": "Zed"], by: nil)
        _ = try await store.create(
            .investors,
            fields: [
                "name": "=1+1", "notes": "'=already quoted", "tags": ["+44 20", "@team"],
                "website": "https://x.example/-", "fee": -0.5,
            ],
            by: nil
        )
        let csv = try await fixture.database.pool.read { db in try CSVExport.table(.investors, db) }
        #expect(csv.contains("\n'=1+1,") && csv.contains("''=already quoted"))
        let plan = try await fixture.run(try fixture.file(csv, bom: false), commit: true)
        #expect(plan.errors.isEmpty && plan.unchanged == 3 && plan.created == 0 && plan.updated == 0)
    }

    /// Rule 3 for imports: an archived record is never matched, updated or linked to; it stays archived.
    @Test func archivedRecordsAreNeitherMatchedNorLinked() async throws {
        let fixture = try Fixture()
        let store = RecordStore(database: fixture.database)
        let archived = try await store.create(.investors, fields: ["name": "Acme", "stage": "passed"], by: nil)
        try await store.delete(.investors, id: archived.id, by: nil)

        let plan = try await fixture.run(try fixture.file("Name,Stage\nAcme,intro\n", bom: false), commit: true)
        #expect(plan.created == 1 && plan.updated == 0)
        let live = try await fixture.records()
        #expect(live.count == 1 && live[0].id != archived.id && live[0].fields["stage"] == "intro")
        let stillArchived = try await fixture.database.pool.read { db in
            try RecordStore.read(.investors, id: archived.id, includeDeleted: true, db)
        }
        #expect(stillArchived?.deletedAt != nil && stillArchived?.fields["stage"] == "passed")

        try await store.delete(.investors, id: live[0].id, by: nil)
        let contacts = try await fixture.run(try fixture.file("Name,Investor\nAnn,Acme\n", bom: false), .contacts)
        #expect(
            contacts.created == 0
                && contacts.errors.first?.message == "No investor is named \"Acme\" (import investors first)."
        )
    }
}

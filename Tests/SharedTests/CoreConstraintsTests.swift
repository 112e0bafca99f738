import Foundation
import GRDB
import Logging
import SharedTesting
import Testing

@testable import Shared

/// A value the database's constraints would refuse is a field problem before any write: a plan
/// that passed its dry run commits (the review's import died whole on a CHECK constraint).
@Suite struct CoreConstraintsTests {
    let directory: TemporaryDirectory
    let database: AppDatabase
    let store: RecordStore

    init() throws {
        self.directory = try TemporaryDirectory()
        self.database = try self.directory.migratedDatabase()
        self.store = RecordStore(database: self.database)
    }

    func problems(_ body: () async throws -> Void) async -> [String: String]? {
        do {
            try await body()
            return nil
        } catch RecordStoreError.invalid(let problems) {
            return problems
        } catch {
            Issue.record("a \(type(of: error)) reached the caller: \(error)")
            return nil
        }
    }

    @Test(arguments: [RecordTable.investors, .contacts, .funds])
    func namesAreAtMostFiveHundredCharacters(table: RecordTable) async throws {
        let longest = try await self.store.create(
            table,
            fields: ["name": .string(String(repeating: "n", count: 500))],
            by: nil
        )
        #expect(longest.fields["name"]?.stringValue?.count == 500, "the schema takes what the check lets through")
        let refused = await self.problems {
            _ = try await self.store.create(
                table,
                fields: ["name": .string(String(repeating: "n", count: 501))],
                by: nil
            )
        }
        #expect(refused?["name"] == "Name is longer than 500 characters.")
        let edit = await self.problems {
            _ = try await self.store.update(
                table,
                id: longest.id,
                expectedVersion: longest.version,
                fields: ["name": .string(String(repeating: "é", count: 501))],
                by: nil
            )
        }
        #expect(edit?["name"] != nil)
    }

    @Test func fundsKeepTheirVintageRangeAndCurrencyCodes() async throws {
        for (value, field) in [
            (JSONValue.number(1899), "vintage"), (.number(2201), "vintage"), (.string("EURO"), "currency"),
            (.string("€€€"), "currency"),
        ] {
            let refused = await self.problems {
                _ = try await self.store.create(.funds, fields: ["name": "Fund I", field: value], by: nil)
            }
            #expect(refused?[field] != nil, "\(field) \(value)")
        }
        let fund = try await self.store.create(
            .funds,
            fields: ["name": "Fund I", "vintage": 2026, "currency": "EUR"],
            by: nil
        )
        #expect(fund.fields["currency"] == "EUR" && fund.fields["vintage"] == 2026)
    }

    /// Columns that are NOT NULL with a default take it when left out, and cannot be cleared.
    @Test func defaultedColumnsCannotBeCleared() async throws {
        let investor = try await self.store.create(.investors, fields: ["name": "Acme"], by: nil)
        #expect(investor.fields["stage"] == "prospect")
        let cleared = await self.problems {
            _ = try await self.store.update(
                .investors,
                id: investor.id,
                expectedVersion: investor.version,
                fields: ["stage": .null],
                by: nil
            )
        }
        #expect(cleared?["stage"] == "This field cannot be empty.")
        let fund = try await self.store.create(.funds, fields: ["name": "Fund I"], by: nil)
        for key in ["currency", "status"] {
            let refused = await self.problems {
                _ = try await self.store.update(
                    .funds,
                    id: fund.id,
                    expectedVersion: fund.version,
                    fields: [key: ""],
                    by: nil
                )
            }
            #expect(refused?[key] != nil, "\(key)")
        }
    }

    /// The review's real export: a text cell longer than the name's limit passed the dry run and
    /// the commit failed whole. Now it is a row error with its line in both, and they agree.
    @Test func anImportPlanChecksWhatTheDatabaseWillAndTheCommitMatchesIt() async throws {
        _ = try await self.store.create(.investors, fields: ["name": "Acme"], by: nil)
        let csv =
            "Name,Stage,Notes\nAcme,,kept\n" + String(repeating: "x", count: 600)
            + ",intro,too long\nBirch,meeting,fine\n"
        let path = self.directory.path + "/long.csv"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        func run(commit: Bool, skip: Bool) async throws -> ImportPlan {
            var options = ImportOptions(table: .investors, fileName: "Investors-Grid view.csv", dryRun: !commit)
            options.skipInvalidRows = skip
            return try await CSVImporter(database: self.database).run(path: path, options: options, by: nil)
        }
        let dry = try await run(commit: false, skip: false)
        #expect(dry.errors.map(\.line) == [3], "the long name; a blank stage keeps Acme's")
        #expect(dry.updated == 1 && dry.created == 1)
        #expect(dry.errors.contains { $0.line == 3 && $0.message == "Name is longer than 500 characters." })
        let committed = try await run(commit: true, skip: true)
        #expect(
            committed.created == 1 && committed.updated == 1 && committed.errors.map(\.line) == dry.errors.map(\.line)
        )
        let names = try await self.store.list(.investors, limit: 10, afterId: nil).records.compactMap {
            $0.fields["name"]?.stringValue
        }
        #expect(names == ["Acme", "Birch"])
        let acme = try await self.store.get(.investors, id: 1)
        #expect(acme?.fields["stage"] == "prospect" && acme?.fields["notes"] == "kept")
    }

    @Test func anUnexpectedDatabaseErrorIsLoggedWithSQLitesMessage() {
        let error = DatabaseError(
            resultCode: .SQLITE_CONSTRAINT,
            message: "CHECK constraint failed: length(name) BETWEEN 1 AND 500"
        )
        let metadata = Logger.Metadata.error(error)
        #expect(metadata["error.type"] == "DatabaseError")
        #expect(metadata["error.sqlite_message"] == "CHECK constraint failed: length(name) BETWEEN 1 AND 500")
        #expect(metadata["error.sqlite_code"] == "19")
    }
}

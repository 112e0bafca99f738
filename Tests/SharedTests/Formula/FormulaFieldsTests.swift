import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Formula fields in a real database: computed inside the write, only dependents recomputed,
/// cycles refused, renames carried into formulas, stored results filterable by views.
@Suite struct FormulaFieldsTests {
    let directory: TemporaryDirectory
    let database: AppDatabase
    let fields: FieldCatalog
    let store: RecordStore
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        self.directory = try TemporaryDirectory()
        self.database = try self.directory.migratedDatabase()
        self.fields = FieldCatalog(database: self.database, now: { Self.now })
        self.store = RecordStore(database: self.database, now: { Self.now })
    }

    func formula(_ label: String, _ formula: String) async throws -> FieldDefinition {
        try await self.fields.create(.investors, label: label, type: .formula, options: nil, formula: formula)
    }

    func refusal(_ body: () async throws -> Void) async -> FormulaProblem? {
        do {
            try await body()
        } catch FieldCatalog.Failure.formula(let problem) {
            return problem
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test func formulasComputeForExistingAndNewRecordsAndFollowEdits() async throws {
        let acme = try await self.store.create(
            .investors,
            fields: ["name": "Acme", "check_size_min": 250_000],
            by: nil
        )
        let double = try await self.formula("Double min", "{Check size min} * 2")
        let label = try await self.formula("Label", #"UPPER({Name}) & " (" & {Double min} & ")""#)
        #expect(label.optionValues["result_type"] == "text")
        #expect(try await self.store.get(.investors, id: acme.id)?.fields[label.key] == "ACME (500000)")
        let beta = try await self.store.create(.investors, fields: ["name": "Beta"], by: nil)
        #expect(beta.fields[double.key] == 0)
        #expect(beta.fields[label.key] == "BETA (0)")
        let updated = try await self.store.update(
            .investors,
            id: acme.id,
            expectedVersion: acme.version,
            fields: ["check_size_min": 1_000],
            by: nil
        )
        #expect(updated.fields[double.key] == 2_000)
        #expect(updated.fields[label.key] == "ACME (2000)")
        let history = try await self.store.history(.investors, id: acme.id, limit: 10, beforeId: nil).entries
        #expect(
            !history.contains { $0.fieldKey == double.key || $0.fieldKey == label.key },
            "computed values are not edits"
        )
    }

    @Test func onlyDependentsAreRecomputedInOrder() async throws {
        let record = try await self.store.create(.investors, fields: ["name": "Acme", "location": "Zürich"], by: nil)
        _ = try await self.formula("Upper name", "UPPER({Name})")
        _ = try await self.formula("Name length", "LEN({Upper name})")
        _ = try await self.formula("Where", "{Location} & \"!\"")
        try await self.database.pool.write { db in
            let catalog = try FieldDefinition.catalog(.investors, db)
            #expect(
                try FormulaFields.recompute(
                    .investors,
                    id: record.id,
                    changed: ["name"],
                    catalog: catalog,
                    at: Self.now,
                    db
                ) == 2
            )
            #expect(
                try FormulaFields.recompute(
                    .investors,
                    id: record.id,
                    changed: ["location"],
                    catalog: catalog,
                    at: Self.now,
                    db
                ) == 1
            )
            #expect(
                try FormulaFields.recompute(
                    .investors,
                    id: record.id,
                    changed: ["notes"],
                    catalog: catalog,
                    at: Self.now,
                    db
                ) == 0
            )
            #expect(
                try FormulaFields.recompute(.investors, id: record.id, changed: nil, catalog: catalog, at: Self.now, db)
                    == 3
            )
            let plan = FormulaPlan.of(catalog)
            #expect(plan.entries.map(\.field.label) == ["Upper name", "Name length", "Where"])
        }
        let renamed = try await self.store.update(
            .investors,
            id: record.id,
            expectedVersion: record.version,
            fields: ["name": "Longer name"],
            by: nil
        )
        #expect(renamed.fields["name_length"] == 11)
    }

    @Test func cyclesAndSelfReferencesAreRefused() async throws {
        let a = try await self.formula("A", "1")
        _ = try await self.formula("B", "{A} + 1")
        let cycle = await self.refusal {
            _ = try await self.fields.update(
                .investors,
                key: a.key,
                label: nil,
                options: nil,
                hiddenByDefault: nil,
                position: nil,
                formula: "{B} * 2"
            )
        }
        #expect(cycle?.message == "This formula would depend on itself: {A} → {B} → {A}.")
        #expect(cycle?.span == 0..<3)
        let own = await self.refusal { _ = try await self.formula("C", "{C} + 1") }
        #expect(own?.message == "A formula cannot use its own field {C}.")
        let unknown = await self.refusal { _ = try await self.formula("D", "{Stag}") }
        #expect(unknown?.message == "Unknown field {Stag}. Did you mean {Stage}?")
        let catalog = try await self.database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        #expect(!catalog.contains { $0.label == "C" || $0.label == "D" }, "a refused formula saves nothing")
    }

    @Test func renamingAFieldRewritesTheFormulasThatNameIt() async throws {
        let score = try await self.fields.create(.investors, label: "Score", type: .number, options: nil)
        let doubled = try await self.formula("Doubled", "{Score}*2 +  Score")
        _ = try await self.fields.update(
            .investors,
            key: score.key,
            label: "Rating points",
            options: nil,
            hiddenByDefault: nil,
            position: nil
        )
        let formula = try await self.database.pool.read { db in
            try FieldCatalog.fetch(.investors, key: doubled.key, db)?.formula
        }
        #expect(formula == "{Rating points}*2 +  {Rating points}")
        let record = try await self.store.create(.investors, fields: ["name": "Acme", score.key: 5], by: nil)
        #expect(record.fields[doubled.key] == 15)
    }

    @Test func aFieldAFormulaReadsCannotBeArchived() async throws {
        let score = try await self.fields.create(.investors, label: "Score", type: .number, options: nil)
        _ = try await self.formula("Doubled", "{Score} * 2")
        await #expect(throws: FieldCatalog.Failure.usedByFormulas(["Doubled"])) {
            try await self.fields.delete(.investors, key: score.key)
        }
    }

    @Test func errorsAreStoredWithTheirReason() async throws {
        let record = try await self.store.create(.investors, fields: ["name": "Acme"], by: nil)
        let ratio = try await self.formula("Ratio", "{Check size max} / {Check size min}")
        let stored = try await self.store.get(.investors, id: record.id)!
        #expect(stored.fields[ratio.key] == "NaN")
        #expect(stored.errors[ratio.key] == "0 divided by 0 has no value.")
        let fixed = try await self.store.update(
            .investors,
            id: record.id,
            expectedVersion: stored.version,
            fields: ["check_size_min": 10, "check_size_max": 25],
            by: nil
        )
        #expect(fixed.fields[ratio.key] == 2.5)
        #expect(fixed.errors.isEmpty)
    }

    @Test func changingAFormulaRecomputesTheColumnAndItsDependents() async throws {
        for name in ["Acme", "Beta", "Gamma"] {
            _ = try await self.store.create(.investors, fields: ["name": .string(name)], by: nil)
        }
        let short = try await self.formula("Short", "LEFT({Name}, 1)")
        let echo = try await self.formula("Echo", "{Short} & {Short}")
        let updated = try await self.fields.update(
            .investors,
            key: short.key,
            label: nil,
            options: nil,
            hiddenByDefault: nil,
            position: nil,
            formula: "LEN({Name})"
        )
        #expect(updated.optionValues["result_type"] == "number")
        let records = try await self.store.list(.investors, limit: 10, afterId: nil).records
        #expect(records.map { $0.fields[short.key] } == [4, 4, 5])
        #expect(records.map { $0.fields[echo.key] } == ["44", "44", "55"])
    }

    @Test func viewsFilterAndSortOnStoredResults() async throws {
        for (name, minimum) in [("Acme", 300), ("Beta", 100), ("Gamma", 200)] {
            _ = try await self.store.create(
                .investors,
                fields: ["name": .string(name), "check_size_min": .number(Double(minimum))],
                by: nil
            )
        }
        let doubled = try await self.formula("Doubled", "{Check size min} * 2")
        let query = RecordQuery(
            filter: FilterGroup(.and, [.condition(FilterCondition(doubled.key, .gt, 250))]),
            sorts: [.init(field: doubled.key)]
        )
        let dates = ViewDates(now: Self.now, timeZone: TimeZone(identifier: "UTC")!)
        let page = try await self.database.pool.read { db in
            try query.page(.investors, limit: 10, cursor: nil, dates: dates, db)
        }
        #expect(page.records.map { $0.fields["name"] } == ["Gamma", "Acme"])
    }

    @Test func dateFormulasUseTheTeamsTimeZone() async throws {
        try await self.database.pool.write { db in
            try AppSettings.update(["time_zone": "America/New_York"], by: nil, at: Self.now, db)
        }
        let record = try await self.store.create(
            .investors,
            fields: ["name": "Acme", "last_contacted_at": "2026-03-08T03:30:00Z"],
            by: nil
        )
        let day = try await self.formula("Contacted day", "DATESTR({Last contacted})")
        let week = try await self.formula("Week later", #"DATEADD({Last contacted}, 7, "days")"#)
        let stored = try await self.store.get(.investors, id: record.id)!
        #expect(stored.fields[day.key] == "2026-03-07")
        #expect(stored.fields[week.key] == "2026-03-15T02:30:00Z")
        #expect(week.optionValues["result_type"] == "datetime")
    }

    @Test func gridStateAndExportsCarryFormulaResults() async throws {
        _ = try await self.store.create(.investors, fields: ["name": "Acme", "check_size_min": 0], by: nil)
        let share = try await self.formula("Per partner", "{Check size max} / {Check size min}")
        let grid = GridStateStore(database: self.database, now: { Self.now })
        let (stamp, records) = try await self.database.pool.read { db in
            (
                try GridStateStore.stamp(db),
                try RecordPages.page(.investors, catalog: try FieldDefinition.catalog(.investors, db), after: 0, db)
            )
        }
        let echoed = records.map { GridStateStore.IncomingRow(id: $0.id, fields: $0.fields) }
        #expect(echoed[0].fields[share.key] == "NaN")
        let outcome = try await grid.replace(expectedVersion: stamp.version, tables: [.investors: echoed], by: nil)
        #expect(outcome.updated == 0, "echoing computed values back is not an edit")
        let csv = try await self.database.pool.read { db in try CSVExport.table(.investors, db) }
        #expect(csv.hasPrefix("\u{FEFF}Name,") && csv.contains("Per partner"))
        #expect(csv.split(separator: "\n")[1].hasSuffix(",NaN"))
    }

    @Test func renamingAFormulaAndChangingItTogetherKeepsItsReadersRight() async throws {
        _ = try await self.store.create(.investors, fields: ["name": "Acme"], by: nil)
        let base = try await self.formula("Base", "LEN({Name})")
        let reader = try await self.formula("Reader", "{Base} + 1")
        _ = try await self.fields.update(
            .investors,
            key: base.key,
            label: "Length",
            options: nil,
            hiddenByDefault: nil,
            position: nil,
            formula: "LEN({Name}) * 10"
        )
        let record = try await self.store.get(.investors, id: 1)!
        #expect(record.fields[base.key] == 40)
        #expect(record.fields[reader.key] == 41)
        #expect(record.errors.isEmpty)
        let formula = try await self.database.pool.read { db in
            try FieldCatalog.fetch(.investors, key: reader.key, db)?.formula
        }
        #expect(formula == "{Length} + 1")
    }

    @Test func aLinkToAnArchivedRecordReadsAsBlank() async throws {
        let acme = try await self.store.create(.investors, fields: ["name": "Acme"], by: nil)
        let contact = try await self.store.create(
            .contacts,
            fields: ["name": "Ann", "investor_id": .number(Double(acme.id))],
            by: nil
        )
        let firm = try await self.fields.create(
            .contacts,
            label: "Firm",
            type: .formula,
            options: nil,
            formula: "UPPER({Investor})"
        )
        #expect(try await self.store.get(.contacts, id: contact.id)?.fields[firm.key] == "ACME")
        try await self.store.delete(.investors, id: acme.id, by: nil)
        // Archiving the investor does not touch the contact; its next recompute reads the link.
        try await self.database.pool.write { db in
            let catalog = try FieldDefinition.catalog(.contacts, db)
            try FormulaFields.recompute(.contacts, id: contact.id, changed: nil, catalog: catalog, at: Self.now, db)
        }
        #expect(
            try await self.store.get(.contacts, id: contact.id)?.fields[firm.key] == "",
            "archived records are read by no one, formulas included"
        )
    }
}

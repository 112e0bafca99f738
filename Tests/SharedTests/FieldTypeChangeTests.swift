import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Changing a custom field's type: the preview counts what converts, what is blank and what
/// would be cleared; the change converts in one transaction with history; refusals name why.
@Suite struct FieldTypeChangeTests {
    static func setUp(_ values: [JSONValue?]) async throws -> (TemporaryDirectory, AppDatabase, [RecordValue]) {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        _ = try await FieldCatalog(database: database).create(.investors, label: "Ticket", type: .text, options: nil)
        let store = RecordStore(database: database)
        var records: [RecordValue] = []
        for (index, value) in values.enumerated() {
            var fields: [String: JSONValue] = ["name": .string("Investor \(index + 1)")]
            if let value { fields["ticket"] = value }
            records.append(try await store.create(.investors, fields: fields, by: nil))
        }
        return (directory, database, records)
    }

    @Test func textBecomesNumbersWithTheLossCountedConfirmedAndKeptInHistory() async throws {
        let (directory, database, records) = try await Self.setUp([
            .string("1,200"), .string("$3.5"), .string("n/a"), nil,
        ])
        _ = directory
        let change = FieldTypeChange(database: database)
        let preview = try await change.preview(.investors, key: "ticket", to: .number, options: nil)
        #expect((preview.converted, preview.failed, preview.blank) == (2, 1, 1))
        #expect(preview.examples.map(\.to) == [.number(1200), .number(3.5), nil])
        #expect(preview.examples.last?.name == "Investor 3" && preview.examples.last?.problem != nil)

        await #expect(throws: FieldTypeChange.Failure.wouldLose(preview)) {
            _ = try await change.apply(
                .investors,
                key: "ticket",
                to: .number,
                options: nil,
                confirmLoss: false,
                by: nil
            )
        }
        #expect(
            try await database.pool.read { db in try FieldDefinition.catalog(.investors, db) }.first {
                $0.key == "ticket"
            }?.type == .text,
            "nothing changed"
        )

        let (field, _) = try await change.apply(
            .investors,
            key: "ticket",
            to: .number,
            options: nil,
            confirmLoss: true,
            by: nil
        )
        #expect(field.type == .number)
        let store = RecordStore(database: database)
        let after = try await store.records(.investors, ids: records.map(\.id))
        #expect(after.map { $0.fields["ticket"] ?? .null } == [.number(1200), .number(3.5), .null, .null])
        #expect(after.map(\.version) == [2, 2, 2, 1], "only records whose value changed get a new version")
        let history = try await store.history(.investors, id: records[2].id, limit: 10, beforeId: nil).entries
        #expect(
            history.first?.fieldKey == "ticket" && history.first?.oldValue == .string("n/a")
                && history.first?.newValue == .null
        )
        // And back to text: numbers read as they show.
        _ = try await change.apply(.investors, key: "ticket", to: .text, options: nil, confirmLoss: false, by: nil)
        #expect(try await store.get(.investors, id: records[0].id)?.fields["ticket"] == .string("1200"))
    }

    @Test func deletedRecordsConvertTooSoTheyFitTheFieldWhenRestored() async throws {
        let (directory, database, records) = try await Self.setUp([.string("7"), .string("n/a"), .string("8")])
        _ = directory
        let store = RecordStore(database: database)
        try await store.delete(.investors, id: records[0].id, by: nil)
        try await store.delete(.investors, id: records[1].id, by: nil)
        let preview = try await FieldTypeChange(database: database).preview(
            .investors,
            key: "ticket",
            to: .number,
            options: nil
        )
        #expect((preview.converted, preview.failed) == (2, 1), "deleted records are counted: their values change too")
        _ = try await FieldTypeChange(database: database).apply(
            .investors,
            key: "ticket",
            to: .number,
            options: nil,
            confirmLoss: true,
            by: nil
        )
        #expect(try await store.restore(.investors, id: records[0].id, by: nil).fields["ticket"] == .number(7))
        #expect((try await store.restore(.investors, id: records[1].id, by: nil).fields["ticket"] ?? .null) == .null)
        let history = try await store.history(.investors, id: records[1].id, limit: 10, beforeId: nil).entries
        #expect(history.contains { $0.fieldKey == "ticket" && $0.oldValue == .string("n/a") })
    }

    @Test func aSelectWithoutOptionsTakesTheValuesAsItsOptions() async throws {
        let (directory, database, _) = try await Self.setUp([
            .string("Anchor"), .string("anchor"), .string("Follow-on"), nil,
        ])
        _ = directory
        let (field, preview) = try await FieldTypeChange(database: database).apply(
            .investors,
            key: "ticket",
            to: .singleSelect,
            options: nil,
            confirmLoss: false,
            by: nil
        )
        #expect(field.optionValues["choices"] == .array(["Anchor", "Follow-on"]))
        #expect((preview.converted, preview.failed) == (3, 0))
    }

    @Test func builtInFormulaReadAndViewFilteredFieldsAreRefusedWithTheReason() async throws {
        let (directory, database, _) = try await Self.setUp([.string("12")])
        _ = directory
        let change = FieldTypeChange(database: database)
        await #expect(throws: FieldCatalog.Failure.self) {
            _ = try await change.apply(.investors, key: "stage", to: .text, options: nil, confirmLoss: true, by: nil)
        }
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (id, email, name, role, password_hash) VALUES (1, 'a@fund.example', 'A', 'admin', 'h')"
            )
        }
        let filter = FilterGroup(.and, [.condition(FilterCondition("ticket", .contains, .string("1")))])
        _ = try await ViewStore(database: database).create(
            .investors,
            name: "Has a one",
            scope: .shared,
            locked: false,
            definition: ViewDefinition(filter: filter),
            userId: 1,
            isAdmin: true,
            dates: ViewDates(now: Date(), timeZone: .gmt)
        )
        await #expect(throws: FieldTypeChange.Failure.usedByViews(["Has a one"], others: 0)) {
            _ = try await change.apply(.investors, key: "ticket", to: .number, options: nil, confirmLoss: true, by: nil)
        }
        // Another person's personal view is counted for everyone else, and named only to its owner.
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (id, email, name, role, password_hash) VALUES (2, 'b@fund.example', 'B', 'member', 'h')"
            )
        }
        _ = try await ViewStore(database: database).create(
            .investors,
            name: "B's secret deals",
            scope: .personal,
            locked: false,
            definition: ViewDefinition(filter: filter),
            userId: 2,
            isAdmin: false,
            dates: ViewDates(now: Date(), timeZone: .gmt)
        )
        let asAdmin = try await change.preview(.investors, key: "ticket", to: .number, options: nil, viewer: 1)
        #expect(asAdmin.views == ["Has a one"] && asAdmin.otherViews == 1)
        let asOwner = try await change.preview(.investors, key: "ticket", to: .number, options: nil, viewer: 2)
        #expect(asOwner.views.sorted() == ["B's secret deals", "Has a one"] && asOwner.otherViews == 0)
        await #expect(throws: FieldTypeChange.Failure.usedByViews(["Has a one"], others: 1)) {
            _ = try await change.apply(.investors, key: "ticket", to: .number, options: nil, confirmLoss: true, by: 1)
        }
        // A select takes `contains`, so that change goes through.
        _ = try await change.apply(
            .investors,
            key: "ticket",
            to: .singleSelect,
            options: nil,
            confirmLoss: true,
            by: nil
        )

        _ = try await FieldCatalog(database: database).create(
            .investors,
            label: "Doubled",
            type: .formula,
            options: nil,
            formula: "{Ticket} & {Ticket}"
        )
        await #expect(throws: FieldCatalog.Failure.usedByFormulas(["Doubled"])) {
            _ = try await change.apply(.investors, key: "ticket", to: .text, options: nil, confirmLoss: true, by: nil)
        }
    }
}

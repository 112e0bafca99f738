import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Adding an option to a select field from a cell: one write per option, so people adding
/// options at the same moment all keep theirs; an option already there is found, not doubled.
@Suite struct FieldChoicesTests {
    static func choices(_ field: FieldDefinition) -> [String] {
        guard case .array(let items)? = field.optionValues["choices"] else { return [] }
        return items.compactMap { if case .string(let name) = $0 { name } else { nil } }
    }

    @Test func optionsAddedAtTheSameMomentAreAllKept() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let catalog = FieldCatalog(database: database)
        _ = try await catalog.create(.investors, label: "Sector", type: .multiSelect, options: ["choices": ["Fintech"]])
        let names = (1...12).map { "Sector \($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    _ = try await FieldCatalog(database: database).addChoice(.investors, key: "sector", choice: name)
                }
            }
            try await group.waitForAll()
        }
        let field = try await database.pool.read { db in try FieldDefinition.catalog(.investors, db) }.first {
            $0.key == "sector"
        }!
        #expect(Set(Self.choices(field)) == Set(["Fintech"] + names))
        #expect(Self.choices(field).first == "Fintech", "new options go at the end")
    }

    @Test func anOptionAlreadyThereIsFoundWhateverItsCase() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let catalog = FieldCatalog(database: database)
        _ = try await catalog.create(
            .investors,
            label: "Warmth",
            type: .singleSelect,
            options: ["choices": ["Very warm"]]
        )
        let again = try await catalog.addChoice(.investors, key: "warmth", choice: "  very_WARM ")
        #expect(!again.added && Self.choices(again.field) == ["Very warm"])
        let added = try await catalog.addChoice(.investors, key: "warmth", choice: " Cold ")
        #expect(added.added && Self.choices(added.field) == ["Very warm", "Cold"], "trimmed")
    }
}

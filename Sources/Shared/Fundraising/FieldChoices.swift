import Foundation
import GRDB

extension FieldCatalog {
    /// A select field after `addChoice`, and whether the option was new.
    public struct ChoiceAdded: Sendable {
        public let field: FieldDefinition
        public let added: Bool
    }

    /// Adds one option to a custom select field, as typing a new option in a cell does. One write
    /// reads and extends the list, so two people adding options at once both keep theirs (a
    /// `PATCH` of the whole list would keep only the later). An option already there, in any case
    /// or with `_` for spaces, is returned unchanged.
    public func addChoice(_ table: RecordTable, key: String, choice raw: String) async throws -> ChoiceAdded {
        let now = self.now()
        return try await self.database.pool.write { db in
            guard let field = try Self.fetch(table, key: key, db) else { throw Failure.notFound }
            guard field.type == .singleSelect || field.type == .multiSelect else {
                throw Failure.invalid(["choice": "\(field.label) is not a select field."])
            }
            guard !field.isCore else { throw Failure.invalid(["choice": "The options of \(field.label) are fixed."]) }
            var options = field.optionValues
            guard case .array(let choices)? = options["choices"] else {
                throw Failure.invalid(["choice": "\(field.label) takes any text; it has no list of options."])
            }
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let wanted = FieldValues.comparable(name)
            if !wanted.isEmpty,
                choices.contains(where: {
                    if case .string(let existing) = $0 { FieldValues.comparable(existing) == wanted } else { false }
                })
            {
                return ChoiceAdded(field: field, added: false)
            }
            options["choices"] = try Self.validOptions(["choices": .array(choices + [.string(name)])], for: field.type)[
                "choices"
            ]
            try db.execute(
                sql: "UPDATE fundraising_fields SET options = ?, updated_at = ? WHERE id = ?",
                arguments: [JSONValue.encode(.object(options)), now, field.id]
            )
            try RecordStore.bumpGlobalVersion(db, by: nil, at: now)
            return ChoiceAdded(field: try Self.fetch(table, key: key, db)!, added: true)
        }
    }
}

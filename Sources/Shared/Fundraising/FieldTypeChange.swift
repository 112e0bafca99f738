import Foundation
import GRDB

/// Changing a custom field's type: first a preview of what every record's value becomes, then the
/// change itself. A value converts from the text it shows, read as the import reads a CSV cell
/// (`"$1,200"` → 1200, `"3/4/2026"` → a date, `"a, b"` → two options); one that cannot is cleared
/// only when the caller confirms the loss. Deleted records convert too, so a restored record fits. Each changed record gets a new version and a history
/// row, so any value can be restored. Refused for core fields, for formula and automatic fields,
/// for fields formulas read, and while a saved view filters on the field with an operator the new
/// type does not take (those views are named).
/// A missing field, a refused type and formulas reading the field throw `FieldCatalog.Failure`.
public struct FieldTypeChange: Sendable {
    public enum Failure: Error, Equatable {
        /// Saved views whose filters could not use the new type: by name those the asker can
        /// see, and how many other people's personal ones.
        case usedByViews([String], others: Int)
        /// Values that would be cleared, and the preview showing them.
        case wouldLose(Preview)
    }

    /// One record's value before and after (`to` nil with a `problem` when it cannot convert).
    public struct Example: Encodable, Sendable, Equatable {
        public var id: Int64
        public var name: String?
        public var from: JSONValue
        public var to: JSONValue?
        public var problem: String?
    }

    public struct Preview: Encodable, Sendable, Equatable {
        public var type: FieldType
        public var options: [String: JSONValue]
        /// Values that convert, records without a value, values that would be cleared.
        public var converted: Int
        public var blank: Int
        public var failed: Int
        /// Up to ten that convert, then up to twenty that would be cleared.
        public var examples: [Example]
        /// Saved views that filter on the field in a way the new type does not allow, by name:
        /// those the asker can see.
        public var views: [String]
        /// Such views that are other people's personal ones: counted, never named.
        public var otherViews: Int = 0

        enum CodingKeys: String, CodingKey {
            case type, options, converted, blank, failed, examples, views
            case otherViews = "other_views"
        }
    }

    public static let convertedExamples = 10
    public static let failedExamples = 20
    /// Options a select gets from the values when none are given.
    public static let maximumCollectedChoices = 1000

    public let database: AppDatabase
    public let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// What the change would do, as `viewer` may see it (nil: every view is named).
    public func preview(
        _ table: RecordTable,
        key: String,
        to type: FieldType,
        options: [String: JSONValue]?,
        viewer: Int64? = nil
    ) async throws -> Preview {
        try await self.database.pool.read { db in
            try Self.plan(table, key: key, to: type, options: options, viewer: viewer, db).preview
        }
    }

    /// Changes the type and converts every live record's value in one transaction.
    public func apply(
        _ table: RecordTable,
        key: String,
        to type: FieldType,
        options: [String: JSONValue]?,
        confirmLoss: Bool,
        by userId: Int64?
    ) async throws -> (field: FieldDefinition, preview: Preview) {
        let now = self.now()
        return try await self.database.pool.write { db in
            let plan = try Self.plan(table, key: key, to: type, options: options, viewer: userId, db)
            guard plan.preview.views.isEmpty && plan.preview.otherViews == 0 else {
                throw Failure.usedByViews(plan.preview.views, others: plan.preview.otherViews)
            }
            if plan.preview.failed > 0 && !confirmLoss { throw Failure.wouldLose(plan.preview) }
            try db.execute(
                sql: "UPDATE fundraising_fields SET type = ?, options = ?, updated_at = ? WHERE id = ?",
                arguments: [type, JSONValue.encode(.object(plan.preview.options)), now, plan.field.id]
            )
            let catalog = try FieldDefinition.catalog(table, db)
            for (record, value) in plan.changes {
                try RecordStore.apply(
                    table,
                    to: record,
                    fields: [key: value],
                    by: userId,
                    at: now,
                    catalog: catalog,
                    db,
                    bumpWhenUnchanged: false
                )
            }
            try RecordStore.bumpGlobalVersion(db, by: userId, at: now)
            return (try FieldDefinition.catalog(table, db).first { $0.key == key }!, plan.preview)
        }
    }

    struct Plan {
        var field: FieldDefinition
        var preview: Preview
        /// Records (read with the old type, for faithful history) and their new values.
        var changes: [(RecordValue, JSONValue)]
    }

    static func plan(
        _ table: RecordTable,
        key: String,
        to type: FieldType,
        options: [String: JSONValue]?,
        viewer: Int64? = nil,
        _ db: Database
    ) throws -> Plan {
        let catalog = try FieldDefinition.catalog(table, db)
        guard let field = catalog.first(where: { $0.key == key }) else { throw FieldCatalog.Failure.notFound }
        guard !field.isCore else {
            throw FieldCatalog.Failure.invalid(["type": "\(field.label) is built in and keeps its type."])
        }
        guard !field.type.isComputed, !type.isComputed else {
            throw FieldCatalog.Failure.invalid([
                "type": "Formula and automatic fields do not change type: add a new field instead."
            ])
        }
        guard type != field.type else {
            throw FieldCatalog.Failure.invalid(["type": "\(field.label) is already of this type."])
        }
        let readers = FieldCatalog.formulas(reading: key, in: catalog)
        guard readers.isEmpty else { throw FieldCatalog.Failure.usedByFormulas(readers) }
        var target = field
        target.type = type
        var validOptions = try FieldCatalog.validOptions(options ?? [:], for: type)
        let zone = try AppSettings.timeZone(db)
        let hasName = catalog.contains { $0.key == "name" && $0.isCore }
        // reads deleted rows: a write, not a read for display; restored later, their values must
        // fit the field's type like everyone else's.
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.sqlTable) ORDER BY id")
        let records = rows.map { RecordValue(row: $0, catalog: catalog) }
        // Read every value as the import reads a cell; a select without options given takes the values'.
        let read: [(RecordValue, String?, Result<JSONValue, FieldProblem>)] = records.map { record in
            let text = Self.text(record.fields[key] ?? .null)
            guard let text else { return (record, nil, .success(.null)) }
            let value = ImportValues.value(text, as: type, dateOrder: nil, timeZone: zone)
            // A plain number also reads from an amount with its currency sign ("$3.5").
            if case .failure = value, type == .number || type == .rating,
                case .success(let amount) = ImportValues.value(text, as: .currency, dateOrder: nil, timeZone: zone)
            {
                return (record, text, .success(amount))
            }
            return (record, text, value)
        }
        if type == .singleSelect || type == .multiSelect, options?["choices"] == nil, validOptions["free"] == nil {
            var choices: [String] = []
            for case (_, _, .success(let value)) in read {
                let items: [JSONValue] = if case .array(let list) = value { list } else { [value] }
                for case .string(let item) in items where choices.count < Self.maximumCollectedChoices {
                    let name = item.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline),
                        !choices.contains(where: { FieldValues.comparable($0) == FieldValues.comparable(name) })
                    {
                        choices.append(name)
                    }
                }
            }
            validOptions = ["choices": .array(choices.map(JSONValue.string))]
        }
        target.options = JSONValue.encode(.object(validOptions))
        var preview = Preview(
            type: type,
            options: validOptions,
            converted: 0,
            blank: 0,
            failed: 0,
            examples: [],
            views: []
        )
        var failedExamples: [Example] = []
        var changes: [(RecordValue, JSONValue)] = []
        for (record, text, candidate) in read {
            let name =
                hasName ? record.fields["name"].flatMap { if case .string(let name) = $0 { name } else { nil } } : nil
            let from = record.fields[key] ?? .null
            guard text != nil else {
                preview.blank += 1
                continue
            }
            switch candidate.flatMap({ FieldValues.normalize($0, for: target) }) {
            case .success(let value):
                preview.converted += 1
                if preview.examples.count < Self.convertedExamples {
                    preview.examples.append(Example(id: record.id, name: name, from: from, to: value, problem: nil))
                }
                changes.append((record, value))
            case .failure(let problem):
                preview.failed += 1
                if failedExamples.count < Self.failedExamples {
                    failedExamples.append(
                        Example(id: record.id, name: name, from: from, to: nil, problem: problem.message)
                    )
                }
                changes.append((record, .null))
            }
        }
        preview.examples += failedExamples
        let broken = try Self.viewsBroken(table, key: key, by: target, catalog: catalog, db)
        let named = broken.filter { view in viewer.map { view.isVisible(to: $0) } ?? true }
        preview.views = named.map(\.name)
        preview.otherViews = broken.count - named.count
        return Plan(field: field, preview: preview, changes: changes)
    }

    /// The text a value shows, as the conversion reads it; nil for no value (unticked is none).
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null, .bool(false): return nil
        case .bool(true): return "true"
        case .string(let text): return text.trimmed.isEmpty ? nil : text
        case .number(let number): return JSONValue.numberText(number)
        case .array(let items):
            let texts = items.compactMap(Self.text)
            return texts.isEmpty ? nil : texts.joined(separator: ", ")
        case .object: return nil
        }
    }

    /// Live views of the table whose filter conditions on the field use an operator the new type refuses.
    static func viewsBroken(
        _ table: RecordTable,
        key: String,
        by target: FieldDefinition,
        catalog: [FieldDefinition],
        _ db: Database
    ) throws -> [SavedView] {
        let allowed = ViewCompiler.operators(for: FieldColumn(target).category)
        let views = try SavedView.fetchAll(
            db,
            sql: "SELECT * FROM views WHERE table_name = ? AND deleted_at IS NULL ORDER BY position, id",
            arguments: [table.rawValue]
        )
        return views.filter { view in
            (view.definition.filter?.conditionsOn(key) ?? []).contains { !allowed.contains($0.op) }
        }
    }
}

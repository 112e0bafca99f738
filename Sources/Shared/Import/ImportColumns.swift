import Foundation

/// A column of the file and where its values go.
struct ImportColumn: Sendable {
    enum Target: Sendable {
        case field(FieldDefinition)
        /// A custom field this import creates (from the column's inferred type).
        case create
        case recordId
        case skip
    }

    var index: Int
    var header: String
    var target: Target
    var dateOrder: ImportValues.DateOrder?
    var note: String?
    /// The column's field is one this import creates.
    var createsField = false

    var field: FieldDefinition? { if case .field(let field) = self.target { field } else { nil } }

    /// Whether pass one keeps the column's values: to infer a new field, to decide a date order,
    /// or to notice amounts in another currency than the field's.
    var needsValues: Bool {
        switch self.target {
        case .create: true
        case .field(let field): field.type == .date || field.type == .datetime || field.type == .currency
        case .recordId, .skip: false
        }
    }

    /// The same destination (used to notice a catalog that changed between the passes).
    func sameTarget(as other: ImportColumn) -> Bool {
        switch (self.target, other.target) {
        case (.field(let a), .field(let b)): a.key == b.key && a.type == b.type
        case (.create, .create), (.recordId, .recordId), (.skip, .skip): true
        default: false
        }
    }
}

/// Matches a file's header to a table's fields: an explicit mapping first, then the Airtable
/// record id column, then field labels and keys compared ignoring case, spaces and `_`.
enum ImportColumns {
    /// Headers Airtable users give a `RECORD_ID()` formula column (compared as `FieldValues.comparable`).
    static let recordIdHeaders: Set<String> = [
        "record id", "airtable record id", "airtable id", "recordid", "airtable record",
    ]

    static func resolve(
        _ headers: [String],
        catalog: [FieldDefinition],
        options: ImportOptions,
        plan: inout ImportPlan
    ) throws
        -> [ImportColumn]
    {
        let trimmed = headers.map { $0.trimmed }
        var mapping: [String: String?] = [:]
        for (header, key) in options.mapping {
            let header = header.trimmed
            guard trimmed.contains(header) else {
                throw CSVImporter.Failure.invalidOption("mapping", "The file has no column \"\(header)\".")
            }
            if let key {
                guard let field = catalog.first(where: { $0.key == key }) else {
                    throw CSVImporter.Failure.invalidOption(
                        "mapping",
                        "\(options.table.rawValue.capitalized) have no field \"\(key)\"."
                    )
                }
                guard !field.isComputed else {
                    throw CSVImporter.Failure.invalidOption(
                        "mapping",
                        "\(field.label) is computed by the CRM; it cannot be imported."
                    )
                }
            }
            mapping[header] = key
        }
        var columns: [ImportColumn] = []
        var seen: [String: String] = [:]
        var usedFields: [String: String] = [:]
        for (index, header) in trimmed.enumerated() {
            var column = ImportColumn(index: index, header: header, target: .skip)
            let comparable = FieldValues.comparable(header)
            defer { columns.append(column) }
            if header.isEmpty {
                column.note = "The column has no name."
                continue
            }
            if let earlier = seen[comparable] {
                plan.fileProblem(
                    column: header,
                    "The file has two columns named \"\(earlier)\"; rename one.",
                    maximum: options.maximumErrors
                )
                continue
            }
            seen[comparable] = header
            if let explicit = mapping[header] {
                if let key = explicit {
                    column.target = .field(catalog.first { $0.key == key }!)
                } else {
                    column.note = "Skipped, as chosen."
                }
            } else if Self.recordIdHeaders.contains(comparable) {
                column.target = .recordId
            } else if let field = catalog.first(where: {
                FieldValues.comparable($0.label) == comparable || FieldValues.comparable($0.key) == comparable
            }) {
                if field.isComputed, field.key == "last_contacted_at",
                    let entered = catalog.first(where: { $0.key == RelationshipSignals.enteredKey }),
                    !trimmed.contains(where: { FieldValues.comparable($0) == FieldValues.comparable(entered.label) })
                {
                    column.target = .field(entered)
                    column.note = "\(field.label) also counts captured mail; the column fills \(entered.label)."
                } else if field.isComputed {
                    column.note = "\(field.label) is computed by the CRM; the column is not read."
                } else {
                    column.target = .field(field)
                }
            } else if options.createFields {
                if (try? FieldCatalog.validLabel(header)) == nil {
                    column.note = "A field name is 1 to 200 characters on one line; the column is skipped."
                } else {
                    column.target = .create
                }
            } else {
                column.note = "No field matches; map the column to a field, or let the import create one."
            }
            if let field = column.field {
                if let other = usedFields[field.key] {
                    plan.fileProblem(
                        column: header,
                        "The columns \"\(other)\" and \"\(header)\" both go into \(field.label); skip one.",
                        maximum: options.maximumErrors
                    )
                    column.target = .skip
                } else {
                    usedFields[field.key] = header
                }
            }
        }
        Self.mapFirstColumnToThePrimaryField(&columns, catalog: catalog, mapping: mapping)
        return columns
    }

    /// Airtable's first column is always its primary field, whatever it is called ("Name
    /// (Institution or Individual)"): when no column matched the table's name field and the
    /// first one matched nothing, it goes there, with a note saying so (the user can change it).
    static func mapFirstColumnToThePrimaryField(
        _ columns: inout [ImportColumn],
        catalog: [FieldDefinition],
        mapping: [String: String?]
    ) {
        guard let name = catalog.first(where: { $0.key == "name" && $0.isCore }),
            !columns.contains(where: { $0.field?.key == "name" }),
            let first = columns.first, !first.header.isEmpty, mapping[first.header] == nil
        else { return }
        switch first.target {
        case .skip, .create: break
        case .field, .recordId: return
        }
        columns[0].target = .field(name)
        columns[0].note =
            "Airtable's first column is its primary field, so it goes into \(name.label); choose another field if not."
    }

    /// The indexes of the key columns: the caller's choice, else the record id column, else the
    /// columns that go into the table's required fields.
    static func keyColumns(
        _ columns: [ImportColumn],
        options: ImportOptions,
        catalog: [FieldDefinition],
        plan: inout ImportPlan
    )
        throws -> [Int]
    {
        if let key = options.key {
            guard (1...5).contains(key.count) else {
                throw CSVImporter.Failure.invalidOption("key", "Choose one to five key columns.")
            }
            return try key.map { raw in
                let header = raw.trimmed
                guard let column = columns.first(where: { $0.header == header }) else {
                    throw CSVImporter.Failure.invalidOption("key", "The file has no column \"\(header)\".")
                }
                if case .skip = column.target {
                    throw CSVImporter.Failure.invalidOption(
                        "key",
                        "The key column \"\(header)\" is skipped; map it to a field."
                    )
                }
                return column.index
            }
        }
        if let recordId = columns.first(where: { if case .recordId = $0.target { true } else { false } }) {
            return [recordId.index]
        }
        var indexes: [Int] = []
        for key in options.table.requiredKeys {
            guard let column = columns.first(where: { $0.field?.key == key }) else {
                let label = catalog.first { $0.key == key }?.label ?? key
                plan.fileProblem(
                    column: nil,
                    "No column goes into \(label), which finds each row's record: map one, or choose the key columns.",
                    maximum: options.maximumErrors
                )
                return []
            }
            indexes.append(column.index)
        }
        return indexes
    }

    /// The date order of a date column: the caller's choice, else what its values prove; a
    /// column whose values read both ways (or disagree) is a file problem the caller resolves.
    static func dateOrder(
        _ column: ImportColumn,
        values: [String],
        inferred: ImportValues.DateOrder??,
        options: ImportOptions,
        plan: inout ImportPlan
    ) -> ImportValues.DateOrder? {
        if let chosen = options.dateOrders[column.header] { return chosen }
        switch inferred ?? ImportValues.dateOrder(values.filter { !$0.trimmed.isEmpty }) {
        case .some(.some(let order)): return order
        case .some(.none):
            plan.fileProblem(
                column: column.header,
                "Dates in \"\(column.header)\" read both ways (3/4/2024 is March 4 or 3 April): choose day-first or month-first.",
                maximum: options.maximumErrors
            )
        case .none:
            plan.fileProblem(
                column: column.header,
                "Dates in \"\(column.header)\" are written both day-first and month-first: choose one; rows in the other order are then listed as errors.",
                maximum: options.maximumErrors
            )
        }
        return nil
    }
}

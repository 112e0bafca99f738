import Foundation
import GRDB

/// Adds, renames and archives fields of a table's catalog. A field's key is derived from its first
/// label and never changes, so renaming never loses data; deleting is soft.
public struct FieldCatalog: Sendable {
    public enum Failure: Error, Equatable {
        case notFound
        case invalid([String: String])
        case coreField
        /// A formula that does not check, with the span it is about.
        case formula(FormulaProblem)
        /// The field is read by formula fields (labels listed), so it cannot be archived.
        case usedByFormulas([String])
    }

    /// Keys a custom field may never take: record metadata and the table's own columns.
    static let reserved: Set<String> = [
        "id", "version", "custom", "created_at", "updated_at", "created_by", "last_modified_by",
        "deleted_at", "fields",
    ]

    public let database: AppDatabase
    public let now: @Sendable () -> Date
    /// Tables with more records than this recompute a changed formula in a `FormulaJobs` job.
    public let inlineRecomputeLimit: Int
    public let limits: FormulaLimits

    public init(
        database: AppDatabase,
        now: @escaping @Sendable () -> Date = { Date() },
        inlineRecomputeLimit: Int = FormulaJobs.inlineLimit,
        limits: FormulaLimits = .standard
    ) {
        self.database = database
        self.now = now
        self.inlineRecomputeLimit = inlineRecomputeLimit
        self.limits = limits
    }

    /// Adds a field; a formula field is checked against the table, then computed for every record
    /// in the same transaction.
    public func create(
        _ table: RecordTable,
        label rawLabel: String,
        type: FieldType,
        options: [String: JSONValue]?,
        formula: String? = nil
    ) async throws -> FieldDefinition {
        let label = try Self.validLabel(rawLabel)
        let options = try Self.validOptions(options ?? [:], for: type)
        if type != .formula, formula != nil {
            throw Failure.invalid(["formula": "Only formula fields have a formula."])
        }
        if type == .formula, (formula ?? "").trimmed.isEmpty {
            throw Failure.invalid(["formula": "A formula field needs a formula."])
        }
        let now = self.now()
        let (inlineLimit, limits) = (self.inlineRecomputeLimit, self.limits)
        return try await self.database.pool.write { db in
            var field: FieldDefinition
            if type == .formula, let formula {
                let catalog = try FieldDefinition.catalog(table, db)
                guard !catalog.contains(where: { $0.label.lowercased() == label.lowercased() }) else {
                    throw Failure.invalid(["label": "There is already a field named \(label)."])
                }
                let compiled = try FormulaFields.check(formula, key: nil, label: label, catalog: catalog)
                var typed = options
                typed["result_type"] = .string(compiled.resultType.rawValue)
                field = try Self.insert(table, label: label, type: type, options: typed, at: now, db)
                try db.execute(
                    sql: "UPDATE fundraising_fields SET formula = ? WHERE id = ?",
                    arguments: [formula, field.id]
                )
                field.formula = formula
                try FormulaFields.recomputeColumn(
                    table,
                    key: field.key,
                    formula: formula,
                    catalog: catalog + [field],
                    inlineLimit: inlineLimit,
                    at: now,
                    limits: limits,
                    db
                )
            } else {
                field = try Self.insert(table, label: label, type: type, options: options, at: now, db)
            }
            try RecordStore.bumpGlobalVersion(db, by: nil, at: now)
            return field
        }
    }

    /// Adds a field with a checked label and options inside the caller's transaction, at the end
    /// of the catalog, under a key derived from the label.
    static func insert(
        _ table: RecordTable,
        label: String,
        type: FieldType,
        options: [String: JSONValue],
        at now: Date,
        _ db: Database
    ) throws -> FieldDefinition {
        let key = try Self.nextKey(table, label: label, db)
        // reads deleted rows: archived fields keep their places
        let position =
            (try Int.fetchOne(
                db,
                sql: "SELECT max(position) FROM fundraising_fields WHERE table_name = ?",
                arguments: [table.rawValue]
            ) ?? -1) + 1
        try db.execute(
            sql: """
                INSERT INTO fundraising_fields (table_name, key, label, type, options, position, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                table.rawValue, key, label, type.rawValue, JSONValue.encode(.object(options)), position, now, now,
            ]
        )
        return try Self.fetch(table, key: key, db)!
    }

    /// The key a new field labelled `label` would get (archived fields keep theirs).
    static func nextKey(_ table: RecordTable, label: String, _ db: Database) throws -> String {
        // reads deleted rows: archived fields keep their keys
        let taken = Set(
            try String.fetchAll(
                db,
                sql: "SELECT key FROM fundraising_fields WHERE table_name = ?",
                arguments: [table.rawValue]
            )
        )
        return Self.deriveKey(label, taken: taken.union(Self.reserved))
    }

    /// Changes a field's label, options, formula, default visibility or position; the key stays.
    /// Formulas that name the field by its old label are rewritten to the new one; a changed
    /// formula is checked and recomputed for every record.
    public func update(
        _ table: RecordTable,
        key: String,
        label: String?,
        options: [String: JSONValue]?,
        hiddenByDefault: Bool?,
        position: Int?,
        formula: String? = nil
    ) async throws -> FieldDefinition {
        let label = try label.map(Self.validLabel)
        let now = self.now()
        let (inlineLimit, limits) = (self.inlineRecomputeLimit, self.limits)
        return try await self.database.pool.write { db in
            guard var field = try Self.fetch(table, key: key, db) else { throw Failure.notFound }
            var catalog = try FieldDefinition.catalog(table, db)
            if let options {
                guard !field.isCore else {
                    throw Failure.invalid(["options": "The options of a built-in field are fixed."])
                }
                var valid = try Self.validOptions(options, for: field.type)
                if let resultType = field.optionValues["result_type"] { valid["result_type"] = resultType }
                field.options = JSONValue.encode(.object(valid))
            }
            if formula != nil, field.type != .formula {
                throw Failure.invalid(["formula": "Only formula fields have a formula."])
            }
            if let label, label != field.label {
                // The new label is in place before any formula is compiled again in this write.
                try Self.rewriteFormulas(renaming: field, to: label, catalog: catalog, at: now, db)
                try db.execute(
                    sql: "UPDATE fundraising_fields SET label = ? WHERE id = ?",
                    arguments: [label, field.id]
                )
                field.label = label
                catalog = try FieldDefinition.catalog(table, db)
            }
            if let formula, formula != field.formula {
                guard !formula.trimmed.isEmpty else {
                    throw Failure.invalid(["formula": "A formula field needs a formula."])
                }
                let compiled = try FormulaFields.check(formula, key: key, label: field.label, catalog: catalog)
                var options = field.optionValues
                options["result_type"] = .string(compiled.resultType.rawValue)
                field.options = JSONValue.encode(.object(options))
                field.formula = formula
                try db.execute(
                    sql: "UPDATE fundraising_fields SET formula = ?, options = ? WHERE id = ?",
                    arguments: [formula, field.options, field.id]
                )
                catalog = try FieldDefinition.catalog(table, db)
                try FormulaFields.recomputeColumn(
                    table,
                    key: key,
                    formula: formula,
                    catalog: catalog,
                    inlineLimit: inlineLimit,
                    at: now,
                    limits: limits,
                    db
                )
            }
            if let position, !(0...10_000).contains(position) {
                throw Failure.invalid(["position": "The position must be from 0 to 10000."])
            }
            try db.execute(
                sql: """
                    UPDATE fundraising_fields SET label = ?, options = ?, hidden_by_default = ?, position = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    label ?? field.label, field.options, hiddenByDefault ?? field.hiddenByDefault,
                    position ?? field.position,
                    now, field.id,
                ]
            )
            try RecordStore.bumpGlobalVersion(db, by: nil, at: now)
            return try Self.fetch(table, key: key, db)!
        }
    }

    /// Archives a custom field; its values stay in the records and come back if it is restored.
    public func delete(_ table: RecordTable, key: String) async throws {
        let now = self.now()
        try await self.database.pool.write { db in
            guard let field = try Self.fetch(table, key: key, db) else { throw Failure.notFound }
            guard !field.isCore else { throw Failure.coreField }
            let readers = Self.formulas(reading: key, in: try FieldDefinition.catalog(table, db))
            guard readers.isEmpty else { throw Failure.usedByFormulas(readers) }
            try db.execute(
                sql: "UPDATE fundraising_fields SET deleted_at = ?, updated_at = ? WHERE id = ?",
                arguments: [now, now, field.id]
            )
            try RecordStore.bumpGlobalVersion(db, by: nil, at: now)
        }
    }

    /// The labels of the formula fields that read `key`.
    static func formulas(reading key: String, in catalog: [FieldDefinition]) -> [String] {
        FormulaPlan.of(catalog).entries.filter { (try? $0.compiled.get())?.dependencies.contains(key) == true }.map(
            \.field.label
        )
    }

    /// Rewrites every formula of the table that names `field`, replacing each reference's text
    /// with the new label in braces; the rest of each formula keeps its spacing.
    static func rewriteFormulas(
        renaming field: FieldDefinition,
        to label: String,
        catalog: [FieldDefinition],
        at now: Date,
        _ db: Database
    ) throws {
        for entry in FormulaPlan.of(catalog).entries {
            guard case .success(let compiled) = entry.compiled, compiled.dependencies.contains(field.key) else {
                continue
            }
            var utf16 = Array(compiled.source.utf16)
            for reference in compiled.references.reversed() where reference.key == field.key {
                utf16.replaceSubrange(reference.span, with: Array(FormulaPrinter.braced(label).utf16))
            }
            try db.execute(
                sql: "UPDATE fundraising_fields SET formula = ?, updated_at = ? WHERE id = ?",
                arguments: [String(decoding: utf16, as: UTF16.self), now, entry.field.id]
            )
        }
    }

    static func fetch(_ table: RecordTable, key: String, _ db: Database) throws -> FieldDefinition? {
        try FieldDefinition.fetchOne(
            db,
            sql: "SELECT * FROM fundraising_fields WHERE table_name = ? AND key = ? AND deleted_at IS NULL",
            arguments: [table.rawValue, key]
        )
    }

    static func validLabel(_ raw: String) throws -> String {
        let label = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(label.count), !label.contains(where: \.isNewline) else {
            throw Failure.invalid(["label": "The name must be 1 to 200 characters on one line."])
        }
        return label
    }

    /// Lower snake case from the label, ASCII only, made unique against `taken`.
    static func deriveKey(_ label: String, taken: Set<String>) -> String {
        let folded = label.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var key = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                key.unicodeScalars.append(scalar)
            } else if !key.hasSuffix("_") {
                key += "_"
            }
        }
        key = String(key.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(48))
        if key.isEmpty || key.first!.isNumber { key = "field_" + key }
        key = key.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        var candidate = key
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(key)_\(suffix)"
            suffix += 1
        }
        return candidate
    }

    static func validOptions(_ options: [String: JSONValue], for type: FieldType) throws -> [String: JSONValue] {
        func invalid(_ message: String) -> Failure { .invalid(["options": message]) }
        switch type {
        case .singleSelect, .multiSelect:
            guard case .array(let choices)? = options["choices"] else {
                if options["free"] == .bool(true) { return ["free": true] }
                return ["choices": []]
            }
            var names: [String] = []
            for choice in choices {
                guard case .string(let raw) = choice else { throw invalid("Each option must be text.") }
                let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard (1...200).contains(name.count), !name.contains(where: \.isNewline) else {
                    throw invalid("Each option must be 1 to 200 characters on one line.")
                }
                guard !names.contains(where: { FieldValues.comparable($0) == FieldValues.comparable(name) }) else {
                    throw invalid("The option \(name) appears twice.")
                }
                names.append(name)
            }
            guard names.count <= 1000 else { throw invalid("A field holds at most 1000 options.") }
            return ["choices": .array(names.map(JSONValue.string))]
        case .link:
            guard case .string(let target)? = options["table"], RecordTable(rawValue: target) != nil else {
                throw invalid("A link names the table it points to: investors, contacts, funds or commitments.")
            }
            return ["table": .string(target)]
        case .rating:
            guard let max = options["max"] else { return ["max": 5] }
            guard case .number(let number) = max, number == number.rounded(), (1...10).contains(number) else {
                throw invalid("A rating goes up to a whole number from 1 to 10.")
            }
            return ["max": max]
        case .number, .percent:
            return options["integer"] == .bool(true) ? ["integer": true] : [:]
        case .currency:
            guard let currency = options["currency"] else { return ["currency": "USD"] }
            guard case .string(let code) = currency, code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter })
            else {
                throw invalid("The currency is a three-letter code such as USD.")
            }
            return ["currency": .string(code.uppercased())]
        default:
            return [:]
        }
    }
}

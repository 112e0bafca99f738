import Foundation
import GRDB

/// Formula fields in tables: what a formula may name, how record values enter a formula, and
/// how results are computed and stored inside the write that changed their inputs.
public enum FormulaFields {
    /// The fields a formula of this catalog may name, with their types in formulas.
    static func names(_ catalog: [FieldDefinition]) -> [FormulaField] {
        catalog.map { FormulaField(key: $0.key, label: $0.label, type: Self.type(of: $0)) }
    }

    static func type(of field: FieldDefinition) -> FormulaType {
        switch field.type {
        case .text, .longText, .email, .url, .phone, .singleSelect, .link, .lastModifiedBy: .text
        case .number, .currency, .percent, .rating: .number
        case .checkbox: .boolean
        case .date: .date
        case .datetime, .createdTime, .lastModifiedTime: .datetime
        case .multiSelect: .array
        case .formula: Self.resultType(field) ?? .any
        }
    }

    /// The result type stored in a formula field's options.
    public static func resultType(_ field: FieldDefinition) -> FormulaType? {
        guard case .string(let name)? = field.optionValues["result_type"] else { return nil }
        return FormulaType(rawValue: name)
    }

    /// Checks a formula as the editor types it, for field `key` of `table` (nil: a new field
    /// labelled `label`), without saving anything.
    public static func check(
        _ formula: String,
        table: RecordTable,
        key: String?,
        label: String,
        _ db: Database
    ) throws -> CompiledFormula {
        try Self.check(formula, key: key, label: label, catalog: try FieldDefinition.catalog(table, db))
    }

    /// Every function with how to call it, for the editor's autocomplete.
    public static var functions: [(name: String, signature: String)] { FormulaFunctions.signatures }

    /// Checks a formula for field `key` (nil: a new field) of `catalog`: it must check and must
    /// not lead back to its own field through other formulas.
    static func check(
        _ formula: String,
        key: String?,
        label: String,
        catalog: [FieldDefinition]
    ) throws(FieldCatalog.Failure) -> CompiledFormula {
        // The field itself is nameable (a new one under a key no field has), so naming it is
        // found as a dependency on itself rather than as an unknown field.
        let ownKey = key ?? "\u{0}new"
        let own = FormulaField(key: ownKey, label: label, type: .any)
        let compiled: CompiledFormula
        do {
            compiled = try FormulaChecker.check(formula, fields: [own] + Self.names(catalog.filter { $0.key != key }))
        } catch {
            throw .formula(error)
        }
        if let reference = compiled.references.first(where: { $0.key == ownKey }) {
            throw .formula(FormulaProblem("A formula cannot use its own field {\(label)}.", reference.span))
        }
        guard let key else { return compiled }
        var graph: [String: [String]] = [:]
        for entry in FormulaPlan.of(catalog).entries where entry.field.key != key {
            graph[entry.field.key] = (try? entry.compiled.get())?.dependencies ?? []
        }
        graph[key] = compiled.dependencies
        if let cycle = FormulaGraph.cycle(from: key, graph) {
            let labels = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0.label) })
            let chain = cycle.map { "{\(labels[$0] ?? $0)}" }.joined(separator: " → ")
            let first = compiled.references.first { $0.key == cycle[1] }?.span ?? 0..<formula.utf16.count
            throw .formula(FormulaProblem("This formula would depend on itself: \(chain).", first))
        }
        return compiled
    }

    // MARK: Values

    /// A record's value of `field` as a formula sees it. Links read as the linked record's name
    /// (blank once that record is archived).
    static func formulaValue(
        _ value: JSONValue,
        field: FieldDefinition,
        error: String?,
        _ db: Database
    ) throws -> FormulaValue {
        if let error {
            let kind = FormulaFault.Kind(rawValue: value.stringValue ?? "") ?? .error
            return .error(FormulaFault(kind, error))
        }
        switch value {
        case .null: return .blank
        case .bool(let flag): return .boolean(flag)
        case .array(let items): return .array(try items.map { try Self.formulaValue($0, field: field, error: nil, db) })
        case .object: return .text(JSONValue.encode(value))
        case .number(let number):
            switch field.type {
            case .link, .lastModifiedBy: return try Self.linkedName(field, Int64(number), db)
            case .formula where Self.resultType(field) == .boolean: return .boolean(number != 0)
            default: return .number(number)
            }
        case .string(let text):
            let kind = field.type == .formula ? Self.resultType(field) ?? .text : Self.type(of: field)
            switch kind {
            case .date: return FormulaDate.day(text).map { .date($0) } ?? .text(text)
            case .datetime: return ISO8601.date(text).map { .date(FormulaDate($0, hasTime: true)) } ?? .text(text)
            default: return .text(text)
            }
        }
    }

    private static func linkedName(_ field: FieldDefinition, _ id: Int64, _ db: Database) throws -> FormulaValue {
        let target = field.type == .lastModifiedBy ? "users" : field.optionValues["table"]?.stringValue ?? ""
        let sqlTable: String? =
            target == "users"
            ? "users" : RecordTable(rawValue: target).flatMap { $0 == .commitments ? nil : $0.sqlTable }
        guard let sqlTable else { return .text(String(id)) }
        let name = try String.fetchOne(
            db.cachedStatement(sql: "SELECT name FROM \(sqlTable) WHERE id = ? AND deleted_at IS NULL"),
            arguments: [id]
        )
        return name.map { .text($0) } ?? .blank
    }

    /// A result as stored in `custom`: dates as ISO text, true/false as 1/0 (as Airtable shows
    /// them), errors as their display with the reason returned beside.
    static func stored(_ value: FormulaValue) -> (JSONValue, String?) {
        switch value {
        case .blank: return (.null, nil)
        case .number(let number): return (.number(number), nil)
        case .boolean(let flag): return (.number(flag ? 1 : 0), nil)
        case .text(let text): return (.string(text), nil)
        case .date(let date): return (.string(date.hasTime ? ISO8601.string(date.instant) : date.isoText), nil)
        case .array(let items): return (.array(items.map { Self.stored($0).0 }), nil)
        case .error(let fault): return (.string(fault.display), fault.reason)
        }
    }

    // MARK: Recomputing

    /// Recomputes the formulas of record `id` that depend on `changed` (nil: all of them), in
    /// order, and stores the results that differ. Returns how many formulas it evaluated.
    @discardableResult
    static func recompute(
        _ table: RecordTable,
        id: Int64,
        changed: [String]?,
        catalog: [FieldDefinition],
        at now: Date,
        zone: TimeZone? = nil,
        _ db: Database
    ) throws -> Int {
        let plan = FormulaPlan.of(catalog)
        guard !plan.isEmpty else { return 0 }
        return try Self.run(
            changed.map { plan.affected(by: $0) } ?? plan.entries,
            table,
            id: id,
            catalog: catalog,
            at: now,
            zone: zone,
            db
        )
    }

    /// Runs `entries` (in plan order) for one record and stores what changed; returns how many ran.
    @discardableResult
    private static func run(
        _ entries: [FormulaPlan.Entry],
        _ table: RecordTable,
        id: Int64,
        catalog: [FieldDefinition],
        at now: Date,
        zone: TimeZone?,
        _ db: Database
    ) throws -> Int {
        guard let outcome = try Self.evaluate(entries, table, id: id, catalog: catalog, at: now, zone: zone, db) else {
            return 0
        }
        try Self.store(outcome, table, db)
        return entries.count
    }

    /// What evaluating a record's formulas gave, and what the record held when it was read.
    struct Outcome: Sendable {
        let id: Int64
        let version: Int64
        /// `custom` as it was read, to tell whether the record changed before the results are written.
        let readCustom: String
        let custom: [String: JSONValue]
        let errors: [String: String]
        let changed: Bool
    }

    /// Evaluates `entries` (in plan order) for one record without writing anything; nil when
    /// there is no such record. All the record's formulas share one deadline.
    static func evaluate(
        _ entries: [FormulaPlan.Entry],
        _ table: RecordTable,
        id: Int64,
        catalog: [FieldDefinition],
        at now: Date,
        zone: TimeZone?,
        limits: FormulaLimits = .standard,
        _ db: Database
    ) throws -> Outcome? {
        guard !entries.isEmpty else { return nil }
        let byKey = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0) })
        var needed: Set<String> = []
        for entry in entries { needed.formUnion((try? entry.compiled.get())?.dependencies ?? []) }
        // Only the columns the formulas read: decoding a whole record cost more than evaluating.
        let core = needed.sorted().compactMap { byKey[$0] }.filter(\.isCore)
        let columns =
            ["custom", "formula_errors", "created_at", "updated_at", "last_modified_by", "version"]
            + core.map { "\"\($0.key)\"" }
        // reads deleted rows: archived records keep their formulas current, so a restore brings them back right
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table.sqlTable) WHERE id = ?"
                ),
                arguments: [id]
            )
        else { return nil }
        let readCustom: String = row[0] ?? "{}"
        let storedCustom: [String: JSONValue] =
            if case .object(let object)? = JSONValue.decode(readCustom) { object } else { [:] }
        var storedErrors: [String: String] = [:]
        if let text = row[1] as String?, case .object(let object)? = JSONValue.decode(text) {
            for case (let key, .string(let reason)) in object { storedErrors[key] = reason }
        }
        let createdAt: Date = row[2]
        let updatedAt: Date = row[3]
        let lastModifiedBy: Int64? = row[4]
        let version: Int64 = row[5]
        var fields: [String: FormulaValue] = [:]
        for key in needed {
            guard let field = byKey[key] else { continue }
            let value: JSONValue =
                switch field.type {
                case .createdTime: .string(FieldValues.formatDateTime(createdAt))
                case .lastModifiedTime: .string(FieldValues.formatDateTime(updatedAt))
                case .lastModifiedBy: lastModifiedBy.map { .number(Double($0)) } ?? .null
                default:
                    if let index = core.firstIndex(where: { $0.key == key }) {
                        FieldValues.apiValue(row[6 + index] as DatabaseValue, for: field)
                    } else {
                        storedCustom[key] ?? (field.type == .checkbox ? .bool(false) : .null)
                    }
                }
            fields[key] = try Self.formulaValue(value, field: field, error: storedErrors[key], db)
        }
        var times: [String: Date] = [:]
        if entries.contains(where: \.readsFieldTimes) {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT field_key, max(changed_at) AS at FROM record_history
                    WHERE table_name = ? AND record_id = ? AND field_key IS NOT NULL GROUP BY field_key
                    """,
                arguments: [table.rawValue, id]
            )
            for row in rows { times[row["field_key"]] = row["at"] }
        }
        var context = FormulaContext(
            fields: fields,
            recordID: String(id),
            createdTime: createdAt,
            lastModifiedTime: updatedAt,
            fieldModifiedTimes: times,
            now: now,
            timeZone: try zone ?? AppSettings.timeZone(db),
            limits: limits
        )
        context.deadline = ContinuousClock.now.advanced(by: limits.maxRecordDuration)
        var custom = storedCustom
        var errors = storedErrors
        for entry in entries {
            let value: FormulaValue =
                switch entry.compiled {
                case .success(let compiled): compiled.evaluate(context)
                case .failure(let problem):
                    .error(FormulaFault(.error, "The formula no longer checks: \(problem.message)"))
                }
            context.fields[entry.field.key] = value
            let (json, reason) = Self.stored(value)
            custom[entry.field.key] = json == .null ? nil : json
            errors[entry.field.key] = reason
        }
        return Outcome(
            id: id,
            version: version,
            readCustom: readCustom,
            custom: custom,
            errors: errors,
            changed: custom != storedCustom || errors != storedErrors
        )
    }

    /// Writes an outcome's results; with `ifUnchanged`, only when the record still holds what
    /// was read (false when it changed since, and nothing was written).
    @discardableResult
    static func store(
        _ outcome: Outcome,
        _ table: RecordTable,
        ifUnchanged: Bool = false,
        _ db: Database
    ) throws -> Bool {
        guard outcome.changed else { return true }
        let arguments: StatementArguments = [
            JSONValue.encode(.object(outcome.custom)),
            outcome.errors.isEmpty ? nil : JSONValue.encode(.object(outcome.errors.mapValues(JSONValue.string))),
            outcome.id,
        ]
        if ifUnchanged {
            try db.cachedStatement(
                sql:
                    "UPDATE \(table.sqlTable) SET custom = ?, formula_errors = ? WHERE id = ? AND version = ? AND custom = ?"
            ).execute(arguments: arguments + [outcome.version, outcome.readCustom])
            return db.changesCount == 1
        }
        try db.cachedStatement(sql: "UPDATE \(table.sqlTable) SET custom = ?, formula_errors = ? WHERE id = ?").execute(
            arguments: arguments
        )
        return true
    }

    /// Recomputes formula `key` (and the formulas that read it) for every record of the table,
    /// archived ones included so a restore brings back current values — inside this transaction
    /// for a small table, else in a `FormulaJobs` job whose id is returned. The inline pass stops
    /// after `limits.maxBatchDuration` and leaves the rest to a job, so saving a slow formula
    /// never holds the write lock for long.
    @discardableResult
    static func recomputeColumn(
        _ table: RecordTable,
        key: String,
        formula: String,
        catalog: [FieldDefinition],
        inlineLimit: Int,
        by userId: Int64? = nil,
        at now: Date,
        limits: FormulaLimits = .standard,
        _ db: Database
    ) throws -> Int64? {
        // reads deleted rows: archived records keep their formulas current, so a restore brings them back right
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.sqlTable)") ?? 0
        if count > inlineLimit {
            return try FormulaJobs.start(table, key: key, formula: formula, total: count, by: userId, at: now, db)
        }
        // reads deleted rows: as above
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM \(table.sqlTable) ORDER BY id")
        let done = try Self.recompute(table, ids: ids, key: key, catalog: catalog, at: now, limits: limits, db)
        guard done < ids.count else { return nil }
        return try FormulaJobs.start(
            table,
            key: key,
            formula: formula,
            total: count,
            by: userId,
            at: now,
            after: done > 0 ? ids[done - 1] : 0,
            done: done,
            db
        )
    }

    /// The formula `key` and the formulas that read it, in plan order.
    static func entries(recomputing key: String, _ catalog: [FieldDefinition]) -> [FormulaPlan.Entry] {
        let plan = FormulaPlan.of(catalog)
        return plan.entries.filter { $0.field.key == key || plan.dependents[key]?.contains($0.field.key) == true }
    }

    /// Recomputes formula `key` and the formulas that read it for the records `ids`, in order,
    /// until `limits.maxBatchDuration` has passed; returns how many records it did.
    static func recompute(
        _ table: RecordTable,
        ids: [Int64],
        key: String,
        catalog: [FieldDefinition],
        at now: Date,
        limits: FormulaLimits = .standard,
        _ db: Database
    ) throws -> Int {
        let zone = try AppSettings.timeZone(db)
        let entries = Self.entries(recomputing: key, catalog)
        let deadline = ContinuousClock.now.advanced(by: limits.maxBatchDuration)
        for (index, id) in ids.enumerated() {
            if index > 0 && ContinuousClock.now >= deadline { return index }
            if let outcome = try Self.evaluate(
                entries,
                table,
                id: id,
                catalog: catalog,
                at: now,
                zone: zone,
                limits: limits,
                db
            ) {
                try Self.store(outcome, table, db)
            }
        }
        return ids.count
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

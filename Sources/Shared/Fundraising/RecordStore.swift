import Foundation
import GRDB

/// Reads and writes fundraising records. Every write is one transaction that validates each value
/// against the catalog, applies the change, writes one history row per changed field and bumps
/// the record's version and the grid's global version exactly once.
public struct RecordStore: Sendable {
    public let database: AppDatabase
    public let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    // MARK: Reads

    public func get(_ table: RecordTable, id: Int64) async throws -> RecordValue? {
        try await self.database.pool.read { db in try Self.read(table, id: id, includeDeleted: false, db) }
    }

    /// A page of live records in id order after `afterId`, the next cursor, and the live total.
    public func list(
        _ table: RecordTable,
        limit: Int,
        afterId: Int64?
    ) async throws -> (
        records: [RecordValue], next: Int64?, total: Int
    ) {
        try await self.database.pool.read { db in
            let catalog = try FieldDefinition.catalog(table, db)
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
                arguments: [afterId ?? 0, limit + 1]
            )
            let records = rows.prefix(limit).map { RecordValue(row: $0, catalog: catalog) }
            let total =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.sqlTable) WHERE deleted_at IS NULL") ?? 0
            return (records, rows.count > limit ? records.last?.id : nil, total)
        }
    }

    /// The live records among `ids` (a link picker naming the records a column points at), by id.
    public func records(_ table: RecordTable, ids: [Int64]) async throws -> [RecordValue] {
        try await self.database.pool.read { db in
            let catalog = try FieldDefinition.catalog(table, db)
            let list = SQLFragment.list(ids.map(\.databaseValue))
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NULL AND id IN (\(list.sql)) ORDER BY id",
                arguments: list.statementArguments
            ).map { RecordValue(row: $0, catalog: catalog) }
        }
    }

    /// Archived (soft-deleted) records, newest first: the archive a user restores from.
    public func archived(
        _ table: RecordTable,
        limit: Int,
        afterId: Int64?
    ) async throws -> (records: [RecordValue], next: Int64?) {
        try await self.database.pool.read { db in
            let catalog = try FieldDefinition.catalog(table, db)
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?",
                arguments: [afterId ?? Int64.max, limit + 1]
            )
            let records = rows.prefix(limit).map { RecordValue(row: $0, catalog: catalog) }
            return (records, rows.count > limit ? records.last?.id : nil)
        }
    }

    /// Field-level history of a record (live or archived), newest first.
    public func history(
        _ table: RecordTable,
        id: Int64,
        limit: Int,
        beforeId: Int64?
    ) async throws -> (
        entries: [HistoryEntry], next: Int64?
    ) {
        try await self.database.pool.read { db in
            guard try Self.read(table, id: id, includeDeleted: true, db) != nil else { throw RecordStoreError.notFound }
            let entries = try HistoryEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM record_history WHERE table_name = ? AND record_id = ? AND id < ?
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: [table.rawValue, id, beforeId ?? Int64.max, limit + 1]
            )
            return (Array(entries.prefix(limit)), entries.count > limit ? entries[limit - 1].id : nil)
        }
    }

    /// One record; pass the catalog when the caller already holds it.
    static func read(
        _ table: RecordTable,
        id: Int64,
        includeDeleted: Bool,
        catalog: [FieldDefinition]? = nil,
        _ db: Database
    ) throws -> RecordValue? {
        let live = includeDeleted ? "" : " AND deleted_at IS NULL"
        // reads deleted rows: only when the caller asks for them (restore, history)
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM \(table.sqlTable) WHERE id = ?\(live)"),
                arguments: [id]
            )
        else { return nil }
        return RecordValue(row: row, catalog: try catalog ?? FieldDefinition.catalog(table, db))
    }

    // MARK: Writes

    public func create(
        _ table: RecordTable,
        fields input: [String: JSONValue],
        by userId: Int64?
    ) async throws -> RecordValue {
        let now = self.now()
        return try await self.database.pool.write { db in
            let catalog = try FieldDefinition.catalog(table, db)
            let id = try Self.insert(table, fields: input, by: userId, at: now, catalog: catalog, db)
            try Self.bumpGlobalVersion(db, by: userId, at: now)
            return try Self.read(table, id: id, includeDeleted: false, catalog: catalog, db)!
        }
    }

    /// Applies `fields` to the record if it is still at `expectedVersion`.
    public func update(
        _ table: RecordTable,
        id: Int64,
        expectedVersion: Int,
        fields input: [String: JSONValue],
        by userId: Int64?
    ) async throws -> RecordValue {
        let now = self.now()
        return try await self.database.pool.write { db in
            let catalog = try FieldDefinition.catalog(table, db)
            guard let current = try Self.read(table, id: id, includeDeleted: false, catalog: catalog, db) else {
                throw RecordStoreError.notFound
            }
            guard current.version == expectedVersion else { throw RecordStoreError.versionConflict(current: current) }
            try Self.apply(table, to: current, fields: input, by: userId, at: now, catalog: catalog, db)
            try Self.bumpGlobalVersion(db, by: userId, at: now)
            return try Self.read(table, id: id, includeDeleted: false, catalog: catalog, db)!
        }
    }

    /// One record's part of a batch update.
    public struct BatchUpdate: Sendable, Decodable {
        public var id: Int64
        public var expectedVersion: Int
        public var fields: [String: JSONValue]

        public init(id: Int64, expectedVersion: Int, fields: [String: JSONValue]) {
            self.id = id
            self.expectedVersion = expectedVersion
            self.fields = fields
        }

        enum CodingKeys: String, CodingKey {
            case id, fields
            case expectedVersion = "expected_version"
        }
    }

    /// Applies several records' changes (a paste, an undo of one) in one transaction: all of them
    /// or, on any stale version or invalid value, none. The global version moves once.
    public func update(_ table: RecordTable, batch: [BatchUpdate], by userId: Int64?) async throws -> [RecordValue] {
        let now = self.now()
        return try await self.database.pool.write { db in
            let catalog = try FieldDefinition.catalog(table, db)
            var conflicts: [RecordValue] = []
            var problems: [String: String] = [:]
            var seen = Set<Int64>()
            for update in batch {
                guard seen.insert(update.id).inserted else {
                    problems["\(update.id)"] = "This record appears twice in the batch."
                    continue
                }
                guard let current = try Self.read(table, id: update.id, includeDeleted: false, catalog: catalog, db)
                else {
                    problems["\(update.id)"] = "There is no live record with this id."
                    continue
                }
                guard current.version == update.expectedVersion else {
                    conflicts.append(current)
                    continue
                }
                do {
                    try Self.apply(
                        table,
                        to: current,
                        fields: update.fields,
                        by: userId,
                        at: now,
                        catalog: catalog,
                        db,
                        bumpWhenUnchanged: false
                    )
                } catch RecordStoreError.invalid(let fieldProblems) {
                    for (key, problem) in fieldProblems { problems["\(update.id).\(key)"] = problem }
                }
            }
            if !conflicts.isEmpty { throw RecordStoreError.versionConflicts(conflicts) }
            if !problems.isEmpty { throw RecordStoreError.invalid(problems) }
            try Self.bumpGlobalVersion(db, by: userId, at: now)
            return try batch.map { try Self.read(table, id: $0.id, includeDeleted: false, catalog: catalog, db)! }
        }
    }

    /// Inserts a record inside the caller's transaction, with its history; returns its id.
    static func insert(
        _ table: RecordTable,
        fields input: [String: JSONValue],
        by userId: Int64?,
        at now: Date,
        catalog: [FieldDefinition],
        _ db: Database
    ) throws -> Int64 {
        let values = try Self.validate(input, table: table, catalog: catalog, db)
        let missing = table.requiredKeys.filter { (values[$0] ?? .null) == .null }
        if !missing.isEmpty {
            let labels = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0.label) })
            throw RecordStoreError.invalid(
                Dictionary(uniqueKeysWithValues: missing.map { ($0, "\(labels[$0] ?? $0) is required.") })
            )
        }
        // Formatting a Date for SQLite costs a DateFormatter call: once per write, not per row.
        let stamp = now.databaseValue
        var columns = ["custom", "created_at", "updated_at", "created_by", "last_modified_by"]
        var custom: [String: JSONValue] = [:]
        var arguments: [any DatabaseValueConvertible] = [
            JSONValue.encode(.object([:])), stamp, stamp, userId.databaseValue, userId.databaseValue,
        ]
        for field in catalog {
            guard let value = values[field.key] else { continue }
            if field.isCore {
                columns.append(field.key)
                arguments.append(FieldValues.databaseValue(value, for: field))
            } else if value != .null {
                custom[field.key] = value
            }
        }
        arguments[0] = JSONValue.encode(.object(custom))
        // Cached by its text: an import inserts many records with the same columns.
        try db.cachedStatement(
            sql: """
                INSERT INTO \(table.sqlTable) (\(columns.map { "\"\($0)\"" }.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """
        ).execute(arguments: StatementArguments(arguments))
        let id = db.lastInsertedRowID
        let created = values.sorted(by: { $0.key < $1.key }).filter { $0.value != .null && $0.value != .array([]) }
        try Self.recordHistory(
            db,
            table,
            id,
            "create",
            created.map { (key: $0.key, old: nil, new: $0.value) },
            version: 1,
            by: userId,
            at: stamp
        )
        try FormulaFields.recompute(table, id: id, changed: nil, catalog: catalog, at: now, db)
        if table == .investors, let entered = values[RelationshipSignals.enteredKey], entered != .null {
            try RelationshipSignals.refresh([.init(table, id)], at: now, settings: try AppSettings.values(db), db)
        }
        return id
    }

    /// Applies changed values to a live record inside the caller's transaction: one version bump
    /// and one history row per changed field. Returns the keys that changed (none: nothing written).
    @discardableResult
    static func apply(
        _ table: RecordTable,
        to current: RecordValue,
        fields input: [String: JSONValue],
        by userId: Int64?,
        at now: Date,
        catalog: [FieldDefinition],
        _ db: Database,
        bumpWhenUnchanged: Bool = true
    ) throws -> [String] {
        let values = try Self.validate(input, table: table, catalog: catalog, db)
        let cleared = table.unclearableKeys.filter { values[$0] == .null }
        if !cleared.isEmpty {
            throw RecordStoreError.invalid(
                Dictionary(uniqueKeysWithValues: cleared.map { ($0, "This field cannot be empty.") })
            )
        }
        let changed = values.filter { current.fields[$0.key] != $0.value }
        if changed.isEmpty && !bumpWhenUnchanged { return [] }
        var custom = current.storedCustom
        let stamp = now.databaseValue
        var assignments = ["version = version + 1", "updated_at = ?", "last_modified_by = ?"]
        var arguments: [any DatabaseValueConvertible] = [stamp, userId.databaseValue]
        for field in catalog {
            guard let value = changed[field.key] else { continue }
            if field.isCore {
                assignments.append("\"\(field.key)\" = ?")
                arguments.append(FieldValues.databaseValue(value, for: field))
            } else {
                custom[field.key] = value == .null ? nil : value
            }
        }
        assignments.append("custom = ?")
        arguments.append(JSONValue.encode(.object(custom)))
        arguments.append(current.id)
        try db.cachedStatement(sql: "UPDATE \(table.sqlTable) SET \(assignments.joined(separator: ", ")) WHERE id = ?")
            .execute(arguments: StatementArguments(arguments))
        try Self.recordHistory(
            db,
            table,
            current.id,
            "update",
            changed.sorted(by: { $0.key < $1.key }).map { (key: $0.key, old: current.fields[$0.key], new: $0.value) },
            version: current.version + 1,
            by: userId,
            at: stamp
        )
        try FormulaFields.recompute(table, id: current.id, changed: Array(changed.keys), catalog: catalog, at: now, db)
        if table == .investors, changed[RelationshipSignals.enteredKey] != nil {
            try RelationshipSignals.refresh(
                [.init(table, current.id)],
                at: now,
                settings: try AppSettings.values(db),
                db
            )
        }
        return changed.keys.sorted()
    }

    /// Archives a live record (soft delete); it leaves every list and can be restored.
    public func delete(_ table: RecordTable, id: Int64, by userId: Int64?) async throws {
        try await self.setDeleted(table, id: id, deleted: true, by: userId)
    }

    /// Brings an archived record back, with its history.
    public func restore(_ table: RecordTable, id: Int64, by userId: Int64?) async throws -> RecordValue {
        try await self.setDeleted(table, id: id, deleted: false, by: userId)
        return try await self.get(table, id: id)!
    }

    private func setDeleted(_ table: RecordTable, id: Int64, deleted: Bool, by userId: Int64?) async throws {
        let now = self.now()
        try await self.database.pool.write { db in
            guard let current = try Self.read(table, id: id, includeDeleted: true, db) else {
                throw RecordStoreError.notFound
            }
            if (current.deletedAt != nil) == deleted {
                // Restoring a live record changes nothing; deleting an archived one is "not found".
                if deleted { throw RecordStoreError.notFound }
                return
            }
            try Self.setDeleted(table, current, deleted: deleted, by: userId, at: now, db)
            try Self.bumpGlobalVersion(db, by: userId, at: now)
        }
    }

    /// Archives or restores a record inside the caller's transaction, with its history row.
    static func setDeleted(
        _ table: RecordTable,
        _ current: RecordValue,
        deleted: Bool,
        by userId: Int64?,
        at now: Date,
        _ db: Database
    )
        throws
    {
        try db.execute(
            sql: """
                UPDATE \(table.sqlTable) SET deleted_at = ?, version = version + 1, updated_at = ?, last_modified_by = ?
                WHERE id = ?
                """,
            arguments: [deleted ? now : nil, now, userId, current.id]
        )
        try Self.recordHistory(
            db,
            table,
            current.id,
            deleted ? "delete" : "restore",
            [(key: nil, old: nil, new: nil)],
            version: current.version + 1,
            by: userId,
            at: now.databaseValue
        )
    }

    // MARK: Helpers

    /// Canonical values for the fields sent, or every problem at once.
    static func validate(
        _ input: [String: JSONValue],
        table: RecordTable,
        catalog: [FieldDefinition],
        _ db: Database
    ) throws
        -> [String: JSONValue]
    {
        let byKey = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0) })
        var values: [String: JSONValue] = [:]
        var problems: [String: String] = [:]
        let entered = RelationshipSignals.entered(input, table: table)
        // A problem with an aliased "Last contacted" is reported under the key the client sent.
        let aliased = entered[RelationshipSignals.enteredKey] != input[RelationshipSignals.enteredKey]
        for (key, raw) in entered {
            guard let field = byKey[key] else {
                problems[String(key.prefix(64))] = "There is no field with this key."
                continue
            }
            switch FieldValues.normalize(raw, for: field) {
            case .failure(let problem): problems[key] = problem.message
            case .success(let value):
                if field.type == .link, case .number(let number) = value,
                    !(try Self.linkTargetExists(field, Int64(number), db))
                {
                    problems[key] = "\(field.label) names a record that does not exist."
                } else {
                    values[key] = value
                }
            }
        }
        if aliased, let problem = problems.removeValue(forKey: RelationshipSignals.enteredKey) {
            problems["last_contacted_at"] = problem
        }
        if !problems.isEmpty { throw RecordStoreError.invalid(problems) }
        return values
    }

    static func linkTargetExists(_ field: FieldDefinition, _ id: Int64, _ db: Database) throws -> Bool {
        guard case .string(let target)? = field.optionValues["table"] else { return false }
        let sqlTable = target == "users" ? "users" : RecordTable(rawValue: target)?.sqlTable
        guard let sqlTable else { return false }
        return try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM \(sqlTable) WHERE id = ? AND deleted_at IS NULL)",
            arguments: [id]
        ) ?? false
    }

    /// The history rows of one write (one per field; a delete or restore has one without a
    /// field), in as few statements as SQLite's variable limit allows, each cached by its row
    /// count. `stamp` is the write's time as SQLite stores it.
    static func recordHistory(
        _ db: Database,
        _ table: RecordTable,
        _ id: Int64,
        _ action: String,
        _ changes: [(key: String?, old: JSONValue?, new: JSONValue?)],
        version: Int,
        by userId: Int64?,
        at stamp: DatabaseValue
    ) throws {
        var start = 0
        while start < changes.count {
            let chunk = changes[start..<min(changes.count, start + 500)]
            var arguments: [any DatabaseValueConvertible] = []
            arguments.reserveCapacity(chunk.count * 9)
            for change in chunk {
                arguments += [
                    table.rawValue, id, action, change.key.databaseValue,
                    (change.old.map(JSONValue.encode)).databaseValue,
                    (change.new.map(JSONValue.encode)).databaseValue, version, userId.databaseValue, stamp,
                ]
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO record_history (table_name, record_id, action, field_key, old_value, new_value, record_version,
                        changed_by, changed_at)
                    VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                    """
            ).execute(arguments: StatementArguments(arguments))
            start += chunk.count
        }
    }

    static func bumpGlobalVersion(_ db: Database, by userId: Int64?, at now: Date) throws {
        try db.execute(
            sql: "UPDATE fundraising_state SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = 1",
            arguments: [now, userId]
        )
    }
}

extension RecordTable {
    /// Fields a record of this table cannot be without.
    public var requiredKeys: [String] {
        switch self {
        case .investors, .contacts, .funds: ["name"]
        case .commitments: ["investor_id", "fund_id"]
        }
    }
}

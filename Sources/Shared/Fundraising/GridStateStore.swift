import Foundation
import GRDB

/// The whole grid as one document stamped with the global version (docs/ARCHITECTURE.md §3).
///
/// A replace is applied as a diff in one transaction: rows with an id are updated where a value
/// differs, rows without one are created, live rows the document leaves out are archived (only in
/// tables the document names); every change writes history, and the global version moves once.
public struct GridStateStore: Sendable {
    /// Who last changed the grid and when, with its version.
    public struct Stamp: Sendable, Equatable {
        public var version: Int
        public var updatedAt: Date
        public var updatedBy: Int64?
    }

    /// A row in a replace: an existing record (`id`) or a new one.
    public struct IncomingRow: Sendable, Decodable {
        public var id: Int64?
        public var fields: [String: JSONValue]

        public init(id: Int64?, fields: [String: JSONValue]) {
            self.id = id
            self.fields = fields
        }
    }

    public enum Failure: Error, Equatable {
        case versionConflict(Stamp)
        /// Problems keyed by a path such as `investors/12/stage` or `investors/new 3/name`.
        case invalid([String: String])
        /// The document would archive more records than the caller may (`count` of them).
        case tooManyArchived(Int)
    }

    /// What a replace changed.
    public struct Outcome: Sendable, Equatable {
        public var stamp: Stamp
        public var created = 0
        public var updated = 0
        public var archived = 0
    }

    public let database: AppDatabase
    public let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// The grid's version, when and by whom it last moved.
    public static func stamp(_ db: Database) throws -> Stamp {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT version, updated_at, updated_by FROM fundraising_state WHERE id = 1"
        )!
        return Stamp(version: row["version"], updatedAt: row["updated_at"], updatedBy: row["updated_by"])
    }

    /// Applies a whole-grid document. `maximumArchived` (nil: no limit) is how many records the
    /// caller may archive by leaving them out; past it nothing is changed.
    public func replace(
        expectedVersion: Int,
        tables: [RecordTable: [IncomingRow]],
        by userId: Int64?,
        maximumArchived: Int? = nil
    ) async throws -> Outcome {
        let now = self.now()
        return try await self.database.pool.write { db in
            let current = try Self.stamp(db)
            guard current.version == expectedVersion else { throw Failure.versionConflict(current) }
            var outcome = Outcome(stamp: current)
            var problems: [String: String] = [:]
            for table in RecordTable.allCases {
                guard let rows = tables[table] else { continue }
                let catalog = try FieldDefinition.catalog(table, db)
                let live = Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(
                        db,
                        sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NULL"
                    )
                    .map { row in (row["id"] as Int64, RecordValue(row: row, catalog: catalog)) }
                )
                var kept = Set<Int64>()
                // A state read back carries computed values (formulas, timestamps); they are not edits.
                let computed = Set(catalog.filter(\.isComputed).map(\.key))
                for (index, incoming) in rows.enumerated() {
                    var row = incoming
                    row.fields = row.fields.filter { !computed.contains($0.key) }
                    let path = "\(table.rawValue)/\(row.id.map(String.init) ?? "new \(index)")"
                    do {
                        if let id = row.id {
                            guard let record = live[id], kept.insert(id).inserted else {
                                problems[path] =
                                    live[id] == nil ? "There is no live record with this id." : "This id appears twice."
                                continue
                            }
                            let changed = try RecordStore.apply(
                                table,
                                to: record,
                                fields: row.fields,
                                by: userId,
                                at: now,
                                catalog: catalog,
                                db,
                                bumpWhenUnchanged: false
                            )
                            if !changed.isEmpty { outcome.updated += 1 }
                        } else {
                            _ = try RecordStore.insert(
                                table,
                                fields: row.fields,
                                by: userId,
                                at: now,
                                catalog: catalog,
                                db
                            )
                            outcome.created += 1
                        }
                    } catch RecordStoreError.invalid(let fieldProblems) {
                        for (key, problem) in fieldProblems { problems["\(path)/\(key)"] = problem }
                    }
                }
                let leaving = live.filter { !kept.contains($0.key) }
                if let maximumArchived, outcome.archived + leaving.count > maximumArchived {
                    throw Failure.tooManyArchived(outcome.archived + leaving.count)
                }
                for (_, record) in leaving {
                    try RecordStore.setDeleted(table, record, deleted: true, by: userId, at: now, db)
                    outcome.archived += 1
                }
            }
            // Throwing rolls the whole transaction back: nothing of a refused document is kept.
            if !problems.isEmpty { throw Failure.invalid(problems) }
            try RecordStore.bumpGlobalVersion(db, by: userId, at: now)
            outcome.stamp = try Self.stamp(db)
            return outcome
        }
    }
}

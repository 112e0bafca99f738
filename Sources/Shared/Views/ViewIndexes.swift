import Foundation
import GRDB

/// The indexes saved views need so their first page is read by walking the records in the
/// view's order and stopping at the page's end, instead of sorting every match
/// (docs/DECISIONS.md, "Views": ~1,000× faster when matches are common). One
/// partial index over live records per distinct sort order, named after a hash of its
/// expressions, so views sorting alike share it; created when views are saved and dropped when
/// no live view sorts that way. Expressions use SQLite's own functions only (`FieldColumn.sortKey`).
/// Views filtering on a custom field's number, date, select option or link get an index on that
/// value too, so a selective filter finds its few records without reading every record's JSON.
public enum ViewIndexes {
    public static let prefix = "view_sort_"
    public static let filterPrefix = "view_filter_"
    /// Each index costs every write to the table a little; past this many (shared views first,
    /// then by position) views sort without one.
    public static let maximumPerTable = 12

    public struct Index: Sendable, Equatable {
        public let name: String
        public let table: RecordTable
        public let sql: String
    }

    /// The index walking `order`, or nil for id order (the table itself) and for orders that bind
    /// values (an index can never match those).
    public static func index(_ table: RecordTable, order: [ViewCompiler.OrderKey]) -> Index? {
        guard order.count > 1, order.allSatisfy({ $0.expression.arguments.isEmpty }) else { return nil }
        let columns = order.map { $0.expression.sql + ($0.descending ? " DESC" : "") }.joined(separator: ", ")
        let name = Self.prefix + table.rawValue + "_" + Self.hash(columns)
        return Index(
            name: name,
            table: table,
            sql: "CREATE INDEX IF NOT EXISTS \(name) ON \(table.sqlTable) (\(columns)) WHERE deleted_at IS NULL"
        )
    }

    /// The index serving conditions on a custom field whose value SQLite compares as stored
    /// (numbers, dates, select options, links); nil for core columns (indexed by the schema) and
    /// for text, which filters compare folded.
    public static func filterIndex(_ table: RecordTable, column: FieldColumn) -> Index? {
        guard !column.field.isCore, !column.field.type.isRecordMetadata, column.value.arguments.isEmpty,
            [.number, .date, .datetime, .link].contains(column.category)
                || (column.category == .select && !column.choices.isEmpty)
        else { return nil }
        let name = Self.filterPrefix + table.rawValue + "_" + Self.hash(column.value.sql)
        return Index(
            name: name,
            table: table,
            sql:
                "CREATE INDEX IF NOT EXISTS \(name) ON \(table.sqlTable) (\(column.value.sql)) WHERE deleted_at IS NULL"
        )
    }

    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// The indexes the live saved views want, at most `maximumPerTable` per table.
    public static func wanted(_ db: Database) throws -> [Index] {
        let views = try SavedView.fetchAll(
            db,
            sql: "SELECT * FROM views WHERE deleted_at IS NULL ORDER BY scope = 'shared' DESC, position, id"
        )
        var catalogs: [RecordTable: ViewCompiler] = [:]
        var wanted: [Index] = []
        func want(_ index: Index?) {
            guard let index, !wanted.contains(index),
                wanted.count(where: { $0.table == index.table }) < Self.maximumPerTable
            else { return }
            wanted.append(index)
        }
        for view in views {
            let compiler: ViewCompiler
            if let known = catalogs[view.table] {
                compiler = known
            } else {
                compiler = ViewCompiler(
                    table: view.table,
                    catalog: try FieldDefinition.catalog(view.table, db),
                    dates: ViewDates(now: Date(), timeZone: .gmt)
                )
                catalogs[view.table] = compiler
            }
            let query = RecordQuery(view.definition)
            if let order = try? query.order(compiler) { want(Self.index(view.table, order: order)) }
            for field in view.definition.filter?.fields ?? [] {
                if let column = compiler.columns[field] { want(Self.filterIndex(view.table, column: column)) }
            }
        }
        return wanted
    }

    /// The names of the view indexes that exist.
    public static func existing(_ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND (name GLOB ? OR name GLOB ?)",
                arguments: [Self.prefix + "*", Self.filterPrefix + "*"]
            )
        )
    }

    /// Creates the indexes views want and drops the ones none wants; returns both lists of names.
    @discardableResult
    public static func reconcile(_ db: Database) throws -> (created: [String], dropped: [String]) {
        let wanted = try Self.wanted(db)
        let existing = try Self.existing(db)
        let dropped = existing.subtracting(wanted.map(\.name)).sorted()
        for name in dropped { try db.execute(sql: "DROP INDEX IF EXISTS \"\(name)\"") }
        let created = wanted.filter { !existing.contains($0.name) }
        for index in created { try db.execute(sql: index.sql) }
        return (created.map(\.name), dropped)
    }
}

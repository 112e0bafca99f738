import Foundation
import GRDB

/// The indexes saved views need so their first page is read by walking the records in the
/// view's order and stopping at the page's end, instead of sorting every match
/// (`../shared/reference/view-performance.md`: ~1,000× faster when matches are common). One
/// partial index over live records per distinct sort order, named after a hash of its
/// expressions, so views sorting alike share it; created when views are saved and dropped when
/// no live view sorts that way. Expressions use SQLite's own functions only (`FieldColumn.sortKey`).
public enum ViewIndexes {
    public static let prefix = "view_sort_"
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
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in columns.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let name = Self.prefix + table.rawValue + "_" + String(hash, radix: 16)
        return Index(
            name: name, table: table,
            sql: "CREATE INDEX IF NOT EXISTS \(name) ON \(table.sqlTable) (\(columns)) WHERE deleted_at IS NULL")
    }

    /// The indexes the live saved views want, at most `maximumPerTable` per table.
    public static func wanted(_ db: Database) throws -> [Index] {
        let views = try SavedView.fetchAll(
            db, sql: "SELECT * FROM views WHERE deleted_at IS NULL ORDER BY scope = 'shared' DESC, position, id")
        var catalogs: [RecordTable: ViewCompiler] = [:]
        var wanted: [Index] = []
        for view in views where !view.definition.sorts.isEmpty {
            let compiler: ViewCompiler
            if let known = catalogs[view.table] {
                compiler = known
            } else {
                compiler = ViewCompiler(
                    table: view.table, catalog: try FieldDefinition.catalog(view.table, db),
                    dates: ViewDates(now: Date(), timeZone: .gmt))
                catalogs[view.table] = compiler
            }
            guard let order = try? compiler.order(view.definition.sorts), let index = Self.index(view.table, order: order),
                !wanted.contains(index), wanted.count(where: { $0.table == view.table }) < Self.maximumPerTable
            else { continue }
            wanted.append(index)
        }
        return wanted
    }

    /// The names of the view indexes that exist.
    public static func existing(_ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB ?", arguments: [Self.prefix + "*"]))
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

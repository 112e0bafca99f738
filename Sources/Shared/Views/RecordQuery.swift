import Foundation
import GRDB

/// A filtered, sorted, searched read of one table, as a saved view or ad-hoc parameters ask:
/// keyset pages that stay stable while rows change, the total, and grouped counts and sums.
public struct RecordQuery: Sendable {
    public var filter: FilterGroup?
    public var sorts: [ViewDefinition.Sort]
    public var groupBy: [ViewDefinition.Sort]
    public var search: String?
    public var fields: [ViewDefinition.FieldLayout]?

    public init(
        filter: FilterGroup? = nil,
        sorts: [ViewDefinition.Sort] = [],
        groupBy: [ViewDefinition.Sort] = [],
        search: String? = nil,
        fields: [ViewDefinition.FieldLayout]? = nil
    ) {
        self.filter = filter
        self.sorts = sorts
        self.groupBy = groupBy
        self.search = search
        self.fields = fields
    }

    public init(_ definition: ViewDefinition) {
        self.init(
            filter: definition.filter,
            sorts: definition.sorts,
            groupBy: definition.groupBy,
            search: definition.search,
            fields: definition.fields
        )
    }

    public enum Failure: Error, Equatable {
        case invalid(ViewError)
        case badCursor
    }

    /// One group of `groups(…)`: its key (the field's API value), count, sums and sub-groups.
    public struct Group: Sendable, Equatable {
        public var key: JSONValue
        public var count: Int
        public var sums: [String: JSONValue]
        public var groups: [Group]?
    }

    struct Compiled {
        let table: RecordTable
        let catalog: [FieldDefinition]
        let compiler: ViewCompiler
        let condition: SQLFragment
        let order: [ViewCompiler.OrderKey]
    }

    func compile(_ table: RecordTable, dates: ViewDates, _ db: Database) throws -> Compiled {
        let catalog = try FieldDefinition.catalog(table, db)
        let compiler = ViewCompiler(table: table, catalog: catalog, dates: dates)
        do throws(ViewError) {
            var condition = SQLFragment("deleted_at IS NULL")
            if let filter = self.filter { condition = condition + SQLFragment(" AND ") + (try compiler.filter(filter)) }
            if let search = self.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
                guard search.count <= 500 else { throw ViewError(["search": "At most 500 characters."]) }
                condition = condition + SQLFragment(" AND ") + compiler.search(search, fields: self.fields)
            }
            return Compiled(
                table: table,
                catalog: catalog,
                compiler: compiler,
                condition: condition,
                order: try self.order(compiler)
            )
        } catch {
            throw Failure.invalid(error)
        }
    }

    /// The order of pages: a grouped view's group fields first (so each group's records come
    /// together, as the grid shows them), then its sorts, then the id.
    func order(_ compiler: ViewCompiler) throws(ViewError) -> [ViewCompiler.OrderKey] {
        guard self.groupBy.count <= ViewCompiler.maximumGroups else {
            throw ViewError(["group_by": "Group by at most three fields."])
        }
        let groups = try compiler.order(self.groupBy, path: "group_by").dropLast()
        return Array(groups) + (try compiler.order(self.sorts))
    }

    // MARK: Pages

    /// How a page is read. `walk`: through the view's sort index (or the table in id order),
    /// stopping at the page's end — fast when matches are common. `filterFirst`: find every match
    /// (with whatever index serves the filter), then sort — fast when they are few. SQLite's
    /// planner does not know only one page is wanted, so the query names its choice.
    public enum Plan: Sendable, Equatable {
        case walk, filterFirst
    }

    /// Up to `limit` records after `cursor` (from a previous page of the same query), and the next
    /// cursor. `plan` overrides the choice (tests compare both plans).
    public func page(
        _ table: RecordTable,
        limit: Int,
        cursor: String?,
        dates: ViewDates,
        plan: Plan? = nil,
        _ db: Database
    ) throws -> (
        records: [RecordValue], next: String?
    ) {
        let compiled = try self.compile(table, dates: dates, db)
        let values = try cursor.map { cursor in
            guard let values = Self.decodeCursor(cursor), values.count == compiled.order.count else {
                throw Failure.badCursor
            }
            return values
        }
        let index = ViewIndexes.index(table, order: compiled.order)
        let plan = try plan ?? Self.choose(compiled, limit: limit, index: index, db)
        var rows: [Row]
        if plan == .walk, let values, compiled.order.count > 1 {
            // Walking on from a cursor: the rows after it are, in order, those tying with it on
            // every key but the last and beyond it on that one, then those tying on one key
            // fewer, … then those beyond it on the first key. Each is one seek into the index.
            rows = []
            for level in compiled.order.indices.reversed() where rows.count <= limit {
                var condition = compiled.condition
                for (key, value) in zip(compiled.order.prefix(level), values) {
                    condition = condition + SQLFragment(" AND ") + key.expression + SQLFragment(" = ?", [value])
                }
                let key = compiled.order[level]
                condition =
                    condition + SQLFragment(" AND ") + key.expression
                    + SQLFragment(key.descending ? " < ?" : " > ?", [values[level]])
                rows += try Self.select(
                    compiled,
                    where: condition,
                    plan: plan,
                    index: index,
                    limit: limit + 1 - rows.count,
                    orderFrom: level,
                    db
                )
            }
        } else {
            var condition = compiled.condition
            if let values { condition = condition + SQLFragment(" AND ") + Self.after(compiled.order, values) }
            rows = try Self.select(compiled, where: condition, plan: plan, index: index, limit: limit + 1, db)
        }
        let records = rows.prefix(limit).map { RecordValue(row: $0, catalog: compiled.catalog) }
        guard rows.count > limit else { return (records, nil) }
        let last = rows[limit - 1]
        return (records, Self.encodeCursor((0..<compiled.order.count).map { last["_k\($0)"] as DatabaseValue }))
    }

    /// The rows matching `condition` in the query's order, with their sort keys as `_k0…`. The
    /// order may start at `orderFrom` when `condition` holds the keys before it equal: SQLite sorts
    /// again rather than see that equal leading expressions leave the index in order.
    static func select(
        _ compiled: Compiled,
        where condition: SQLFragment,
        plan: Plan,
        index: ViewIndexes.Index?,
        limit: Int,
        orderFrom: Int = 0,
        _ db: Database
    ) throws -> [Row] {
        let sql = Self.selectSQL(
            compiled,
            where: condition,
            plan: plan,
            index: index,
            limit: limit,
            orderFrom: orderFrom
        )
        return try Row.fetchAll(db, sql: sql.sql, arguments: sql.statementArguments)
    }

    static func selectSQL(
        _ compiled: Compiled,
        where condition: SQLFragment,
        plan: Plan,
        index: ViewIndexes.Index?,
        limit: Int,
        orderFrom: Int = 0
    ) -> SQLFragment {
        var sql = SQLFragment("SELECT *")
        for (index, key) in compiled.order.enumerated() {
            sql = sql + SQLFragment(", ") + key.expression + SQLFragment(" AS _k\(index)")
        }
        // filtered by: the compiled condition, which starts with deleted_at IS NULL
        sql = sql + SQLFragment(" FROM \(compiled.table.sqlTable)")
        if plan == .walk { sql = sql + SQLFragment(index.map { " INDEXED BY \($0.name)" } ?? " NOT INDEXED") }
        sql = sql + SQLFragment(" WHERE ") + condition + SQLFragment(" ORDER BY ")
        for (index, key) in compiled.order.enumerated().dropFirst(orderFrom) {
            if index > orderFrom { sql = sql + SQLFragment(", ") }
            // A unary plus keeps the value and stops SQLite from matching the key to an index.
            if plan == .filterFirst { sql = sql + SQLFragment("+") }
            sql = sql + key.expression + SQLFragment(key.descending ? " DESC" : " ASC")
        }
        return sql + SQLFragment(" LIMIT ?", [limit.databaseValue])
    }

    /// Rows a probe samples, spread evenly over the table's ids.
    static let probeSize = 1000

    /// The plan for one page. A sorted walk needs the view's index to exist (id order walks the
    /// table). A probe evaluates the filter on a sample of records: when the rows a walk would
    /// pass to fill the page, `(limit + 1) / share`, are fewer than the matches the other plan
    /// would sort, `share × live records`, it walks.
    static func choose(_ compiled: Compiled, limit: Int, index: ViewIndexes.Index?, _ db: Database) throws -> Plan {
        if compiled.order.count > 1 {
            guard let index, try ViewIndexes.existing(db).contains(index.name) else { return .filterFirst }
        }
        let table = compiled.table.sqlTable
        // Two subqueries: SQLite reads min() or max() from the end of the rowid tree only when it
        // is the query's sole aggregate; `SELECT min(id), max(id)` scans the whole table.
        guard
            let bounds = try Row.fetchOne(
                db,
                sql: "SELECT (SELECT min(id) FROM \(table)) AS low, (SELECT max(id) FROM \(table)) AS high"
            ),
            let low = bounds["low"] as Int64?, let high = bounds["high"] as Int64?,
            high - low >= 20 * Int64(Self.probeSize)
        else { return .filterFirst }
        let probe =
            SQLFragment(
                """
                WITH RECURSIVE sample(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM sample WHERE i < \(Self.probeSize - 1))
                SELECT count(*) AS live, coalesce(sum(CASE WHEN (
                """
            ) + compiled.condition
            + SQLFragment(
                ") THEN 1 ELSE 0 END), 0) AS hits FROM \(table) WHERE deleted_at IS NULL AND id IN (SELECT ? + i * ? / \(Self.probeSize - 1) FROM sample)",
                [low.databaseValue, (high - low).databaseValue]
            )
        guard let sample = try Row.fetchOne(db, sql: probe.sql, arguments: probe.statementArguments) else {
            return .filterFirst
        }
        let (live, hits) = (sample["live"] as Int, sample["hits"] as Int)
        guard live > 0, hits > 0 else { return .filterFirst }
        let share = Double(hits) / Double(live)
        let liveRecords = Double(live) / Double(Self.probeSize) * Double(high - low + 1)
        return Double(limit + 1) / share <= share * liveRecords ? .walk : .filterFirst
    }

    /// Rows strictly after `values` in the order of `keys`.
    static func after(_ keys: [ViewCompiler.OrderKey], _ values: [DatabaseValue]) -> SQLFragment {
        var fragment: SQLFragment?
        for (key, value) in zip(keys, values).reversed() {
            let beyond = key.expression + SQLFragment(key.descending ? " < ?" : " > ?", [value])
            if let deeper = fragment {
                fragment =
                    SQLFragment("(") + beyond + SQLFragment(" OR (") + key.expression + SQLFragment(" = ?", [value])
                    + SQLFragment(" AND ") + deeper + SQLFragment("))")
            } else {
                fragment = SQLFragment("(") + beyond + SQLFragment(")")
            }
        }
        return fragment ?? SQLFragment("1")
    }

    /// An opaque cursor: the last row's sort key values, typed, as base64url JSON.
    static func encodeCursor(_ values: [DatabaseValue]) -> String {
        let parts: [String] = values.map { value in
            switch value.storage {
            case .null: "n"
            case .int64(let number): "i" + String(number)
            case .double(let number): "d" + String(number.bitPattern)
            case .string(let text): "s" + text
            case .blob: "n"
            }
        }
        let json = (try? JSONEncoder().encode(parts)) ?? Data("[]".utf8)
        return Base64URL.encode(json)
    }

    static func decodeCursor(_ cursor: String) -> [DatabaseValue]? {
        guard cursor.count <= 20_000 else { return nil }
        guard let data = Base64URL.decode(cursor), let parts = try? JSONDecoder().decode([String].self, from: data)
        else {
            return nil
        }
        var values: [DatabaseValue] = []
        for part in parts {
            let body = String(part.dropFirst())
            switch part.first {
            case "n": values.append(.null)
            case "i":
                guard let number = Int64(body) else { return nil }
                values.append(number.databaseValue)
            case "d":
                guard let bits = UInt64(body) else { return nil }
                values.append(Double(bitPattern: bits).databaseValue)
            case "s": values.append(body.databaseValue)
            default: return nil
            }
        }
        return values
    }

    // MARK: Counts and groups

    public func count(_ table: RecordTable, dates: ViewDates, _ db: Database) throws -> Int {
        let compiled = try self.compile(table, dates: dates, db)
        // filtered by: the compiled condition, which starts with deleted_at IS NULL
        let sql = SQLFragment("SELECT count(*) FROM \(table.sqlTable) WHERE ") + compiled.condition
        return try Int.fetchOne(db, sql: sql.sql, arguments: sql.statementArguments) ?? 0
    }

    /// Counts and sums of the numeric fields per group, nested by `groupBy` (up to three levels),
    /// in the groups' sort order with blank groups last.
    public func groups(_ table: RecordTable, dates: ViewDates, _ db: Database) throws -> [Group] {
        let compiled = try self.compile(table, dates: dates, db)
        let levels: [FieldColumn]
        do throws(ViewError) {
            guard (1...ViewCompiler.maximumGroups).contains(self.groupBy.count) else {
                throw ViewError(["group_by": "Group by one to three fields."])
            }
            _ = try compiled.compiler.order(self.groupBy, path: "group_by")
            levels = self.groupBy.map { compiled.compiler.columns[$0.field]! }
        } catch {
            throw Failure.invalid(error)
        }
        let summed = compiled.catalog.compactMap { field -> FieldColumn? in
            guard [.number, .currency, .percent].contains(field.type) else { return nil }
            return compiled.compiler.columns[field.key]
        }
        var sql = SQLFragment("SELECT count(*) AS _count")
        for (index, level) in levels.enumerated() {
            sql = sql + SQLFragment(", ") + level.value + SQLFragment(" AS _g\(index)")
        }
        for (index, column) in summed.enumerated() {
            sql = sql + SQLFragment(", sum(") + column.value + SQLFragment(") AS _s\(index)")
        }
        // filtered by: the compiled condition, which starts with deleted_at IS NULL
        sql = sql + SQLFragment(" FROM \(table.sqlTable) WHERE ") + compiled.condition + SQLFragment(" GROUP BY ")
        sql =
            sql + SQLFragment((0..<levels.count).map { "_g\($0)" }.joined(separator: ", ")) + SQLFragment(" ORDER BY ")
        for (index, level) in levels.enumerated() {
            if index > 0 { sql = sql + SQLFragment(", ") }
            let descending = self.groupBy[index].direction == .desc
            sql =
                sql + level.isBlank + SQLFragment(" ASC, ") + level.sortKey + SQLFragment(descending ? " DESC" : " ASC")
        }
        let rows = try Row.fetchAll(db, sql: sql.sql, arguments: sql.statementArguments)
        let leaves: [(keys: [JSONValue], count: Int, sums: [Double?])] = rows.map { row in
            (
                levels.enumerated().map { index, level in Self.apiValue(row["_g\(index)"] as DatabaseValue, level) },
                row["_count"],
                summed.indices.map { index in (row["_s\(index)"] as Double?).map { $0 / summed[index].scale } }
            )
        }
        return Self.nest(leaves, depth: 0, levels: levels.count, summed: summed)
    }

    static func nest(
        _ leaves: [(keys: [JSONValue], count: Int, sums: [Double?])],
        depth: Int,
        levels: Int,
        summed: [FieldColumn]
    ) -> [Group] {
        var groups: [Group] = []
        var start = 0
        while start < leaves.count {
            var end = start + 1
            while end < leaves.count && leaves[end].keys[depth] == leaves[start].keys[depth] { end += 1 }
            let members = Array(leaves[start..<end])
            var sums: [String: JSONValue] = [:]
            for (index, column) in summed.enumerated() {
                let values = members.compactMap { $0.sums[index] }
                sums[column.field.key] = values.isEmpty ? .null : .number(values.reduce(0, +))
            }
            groups.append(
                Group(
                    key: members[0].keys[depth],
                    count: members.reduce(0) { $0 + $1.count },
                    sums: sums,
                    groups: depth + 1 < levels
                        ? Self.nest(members, depth: depth + 1, levels: levels, summed: summed) : nil
                )
            )
            start = end
        }
        return groups
    }

    /// A stored value as the API shows the field's values.
    static func apiValue(_ stored: DatabaseValue, _ column: FieldColumn) -> JSONValue {
        if column.field.isCore || column.field.type.isRecordMetadata {
            if column.field.type == .createdTime || column.field.type == .lastModifiedTime,
                let date = Date.fromDatabaseValue(stored)
            {
                return .string(FieldValues.formatDateTime(date))
            }
            return FieldValues.apiValue(stored, for: column.field)
        }
        switch stored.storage {
        case .null: return column.category == .checkbox ? .bool(false) : .null
        case .int64(let number): return column.category == .checkbox ? .bool(number != 0) : .number(Double(number))
        case .double(let number): return .number(number)
        case .string(let text):
            return column.category == .multi ? (JSONValue.decode(text) ?? .array([])) : .string(text)
        case .blob: return .null
        }
    }
}

import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Saved views get the index their sort walks; a page walks it when matches are common and
/// sorts the matches when they are few.
@Suite struct ViewIndexesTests {
    static let dates = ViewDates(now: Date(timeIntervalSince1970: 1_795_500_000), timeZone: .gmt)
    static let bySize = [
        ViewDefinition.Sort(field: "check_size_min", direction: .desc), ViewDefinition.Sort(field: "name"),
    ]

    /// A database of `count` investors: every fourth one in `meeting`, check sizes of 40 values.
    static func database(investors count: Int) throws -> (TemporaryDirectory, AppDatabase) {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try database.pool.write { db in
            try db.execute(sql: "DELETE FROM views")
            try db.execute(
                sql:
                    "INSERT INTO users (id, email, name, role, password_hash) VALUES (1, 'a@fund.example', 'A', 'admin', 'h')"
            )
            let insert = try db.makeStatement(
                sql: "INSERT INTO fundraising_investors (name, stage, check_size_min, custom) VALUES (?, ?, ?, '{}')"
            )
            for index in 1...count {
                try insert.execute(arguments: [
                    "Investor \(index)", index % 4 == 0 ? "meeting" : "prospect", (index * 7919 % 40) * 1_000_000,
                ])
            }
        }
        return (directory, database)
    }

    static func save(_ sorts: [ViewDefinition.Sort], name: String, _ database: AppDatabase) async throws -> SavedView {
        try await ViewStore(database: database).create(
            .investors,
            name: name,
            scope: .shared,
            locked: false,
            definition: ViewDefinition(sorts: sorts),
            userId: 1,
            isAdmin: true,
            dates: Self.dates
        )
    }

    static func plan(_ query: RecordQuery, _ database: AppDatabase) throws -> RecordQuery.Plan {
        try database.pool.read { db in
            let compiled = try query.compile(.investors, dates: Self.dates, db)
            return try RecordQuery.choose(
                compiled,
                limit: 100,
                index: ViewIndexes.index(.investors, order: compiled.order),
                db
            )
        }
    }

    @Test func savingViewsCreatesOneIndexPerSortAndDeletingTheLastDropsIt() async throws {
        let (directory, database) = try Self.database(investors: 10)
        _ = directory
        let first = try await Self.save(Self.bySize, name: "Big first", database)
        let second = try await Self.save(Self.bySize, name: "Big first, again", database)
        _ = try await Self.save([], name: "Unsorted", database)
        var (created, dropped) = try await database.pool.write { db in try ViewIndexes.reconcile(db) }
        #expect(created.count == 1)
        #expect(dropped.isEmpty)
        #expect(try await database.pool.read { db in try ViewIndexes.existing(db) }.count == 1)

        try await ViewStore(database: database).delete(.investors, id: first.id, userId: 1, isAdmin: true)
        (created, dropped) = try await database.pool.write { db in try ViewIndexes.reconcile(db) }
        #expect(created.isEmpty && dropped.isEmpty, "the other view still sorts that way")
        try await ViewStore(database: database).delete(.investors, id: second.id, userId: 1, isAdmin: true)
        (created, dropped) = try await database.pool.write { db in try ViewIndexes.reconcile(db) }
        #expect(dropped.count == 1)
        #expect(try await database.pool.read { db in try ViewIndexes.existing(db) }.isEmpty)
    }

    @Test func aSortOnACustomFieldOrASelectIsIndexedWithItsOptionsWrittenAsHexNotAsTyped() async throws {
        let (directory, database) = try Self.database(investors: 10)
        _ = directory
        let fields = FieldCatalog(database: database)
        let hostile = "'); DROP TABLE fundraising_investors; --"
        _ = try await fields.create(
            .investors,
            label: "Tier",
            type: .singleSelect,
            options: ["choices": .array([.string(hostile), .string("A")])]
        )
        _ = try await fields.create(.investors, label: "Score", type: .number, options: nil)
        _ = try await Self.save(
            [.init(field: "tier"), .init(field: "score", direction: .desc)],
            name: "Tiers",
            database
        )
        let sql = try await database.pool.write { db in
            try ViewIndexes.reconcile(db)
            return try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name GLOB 'view_sort_*'")
        }
        let text = try #require(sql)
        #expect(!text.contains("DROP"))
        #expect(text.contains("json_extract(custom, '$.\"score\"')"))
        #expect(text.contains("CAST(X'27293B"))
        #expect(
            try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_investors")
            } == 10
        )
    }

    @Test func commonMatchesWalkTheIndexAndFewMatchesAreSortedAfterFindingThem() async throws {
        let (directory, database) = try Self.database(investors: 30_000)
        _ = directory
        let common = RecordQuery(
            filter: FilterGroup(.and, [.condition(FilterCondition("stage", .is, .string("meeting")))]),
            sorts: Self.bySize
        )
        let rare = RecordQuery(
            filter: FilterGroup(.and, [.condition(FilterCondition("name", .contains, .string("29999")))]),
            sorts: Self.bySize
        )
        #expect(try Self.plan(common, database) == .filterFirst, "no index yet")

        _ = try await Self.save(Self.bySize, name: "Big first", database)
        try await database.pool.write { db in try ViewIndexes.reconcile(db) }
        #expect(try Self.plan(common, database) == .walk)
        #expect(try Self.plan(rare, database) == .filterFirst)
        let page = try await database.pool.read { db in
            try common.page(.investors, limit: 100, cursor: nil, dates: Self.dates, db)
        }
        #expect(try Self.plan(RecordQuery(filter: common.filter), database) == .walk, "id order walks the table")

        // SQLite itself reports the walk of the page's own SQL: the view's index and no sort of the
        // matches — for the first page, and for each seek after a cursor (equal on the first keys,
        // beyond on the next), which sorted again while the ORDER BY named the keys held equal.
        let plans = try await database.pool.read { db in
            let compiled = try common.compile(.investors, dates: Self.dates, db)
            let index = try #require(ViewIndexes.index(.investors, order: compiled.order))
            var statements = [
                RecordQuery.selectSQL(compiled, where: compiled.condition, plan: .walk, index: index, limit: 101)
            ]
            for level in 1..<compiled.order.count {
                var condition = compiled.condition
                for key in compiled.order.prefix(level) {
                    condition = condition + SQLFragment(" AND ") + key.expression + SQLFragment(" = 0")
                }
                condition = condition + SQLFragment(" AND ") + compiled.order[level].expression + SQLFragment(" > 0")
                statements.append(
                    RecordQuery.selectSQL(
                        compiled,
                        where: condition,
                        plan: .walk,
                        index: index,
                        limit: 101,
                        orderFrom: level
                    )
                )
            }
            return try statements.map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql.sql, arguments: sql.statementArguments).map {
                    $0["detail"] as String
                }
            }
        }
        for plan in plans {
            #expect(plan.contains { $0.contains("view_sort_investors_") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
        let expected = try await database.pool.read { db in
            try common.page(.investors, limit: 100, cursor: nil, dates: Self.dates, plan: .filterFirst, db).records.map(
                \.id
            )
        }
        #expect(page.records.map(\.id) == expected)
        // The next page walks on from the cursor, one index seek per sort key, and agrees too.
        let next = try await database.pool.read { db in
            (
                try common.page(.investors, limit: 100, cursor: page.next, dates: Self.dates, db).records.map(\.id),
                try common.page(.investors, limit: 100, cursor: page.next, dates: Self.dates, plan: .filterFirst, db)
                    .records.map(\.id)
            )
        }
        #expect(next.0 == next.1 && next.0.count == 100)
        #expect(
            page.records.first?.fields["check_size_min"] == .number(360_000),
            "36,000,000 cents, the largest in meeting"
        )
    }

    @Test func aViewFilteringOnACustomNumberGetsAnIndexSQLiteUsesForAFewMatches() async throws {
        let (directory, database) = try Self.database(investors: 5_000)
        _ = directory
        _ = try await FieldCatalog(database: database).create(.investors, label: "Score", type: .number, options: nil)
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE fundraising_investors SET custom = json_object('score', id % 1000)")
        }
        let filter = FilterGroup(
            .or,
            [
                .condition(FilterCondition("score", .eq, .number(7))),
                .condition(FilterCondition("name", .contains, .string("x"))),
            ]
        )
        _ = try await ViewStore(database: database).create(
            .investors,
            name: "Sevens",
            scope: .personal,
            locked: false,
            definition: ViewDefinition(filter: FilterGroup(.and, [.group(filter)])),
            userId: 1,
            isAdmin: true,
            dates: Self.dates
        )
        let (created, _) = try await database.pool.write { db in try ViewIndexes.reconcile(db) }
        #expect(created.count == 1 && created[0].hasPrefix("view_filter_investors_"), "\(created)")
        let query = RecordQuery(filter: FilterGroup(.and, [.condition(FilterCondition("score", .eq, .number(7)))]))
        let plan = try await database.pool.read { db in
            let compiled = try query.compile(.investors, dates: Self.dates, db)
            return try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN SELECT id FROM fundraising_investors WHERE " + compiled.condition.sql,
                arguments: compiled.condition.statementArguments
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("view_filter_investors_") }, "\(plan)")
        let page = try await database.pool.read { db in
            try query.page(.investors, limit: 100, cursor: nil, dates: Self.dates, db)
        }
        #expect(page.records.map(\.id) == [7, 1007, 2007, 3007, 4007])
    }
}

import Foundation
import GRDB
import PropertyBased
import SharedTesting
import Testing

@testable import Shared

/// The SQL path and the reference evaluator agree on random views over random data.
@Suite struct ViewEquivalenceTests {
    static let names = [
        "Acme", "acme", "ACME Capital", "Ärzte Fonds", "ärzte fonds", "STRASSE Partners", "Straße Partners", "100%_off",
        "100 off", "O'Brien \"Family\"", "a_b", "aXb", "Cap Trust", "Capstone", "Zürich Invest", "e\u{301}cole",
        "école",
        "; DROP TABLE fundraising_investors; --", "日本 Capital", "Δέλτα", "Ωmega", "x", "%", "_",
    ]
    static let needles = [
        "acme", "ÄRZTE", "strasse", "straße", "%", "_", "'", "\"", "100%", "a_b", "cap", "école", "e", "日本", "δέλτα",
        "zz",
        "drop", "Capstone", "x",
    ]
    static let regions = ["Zürich", "New York", "são paulo", "ZÜRICH"]
    static let flags = ["hot", "Warm", "longshot", "Ärger", "cold"]

    struct Fixture {
        let directory: TemporaryDirectory
        let database: AppDatabase
        let catalog: [FieldDefinition]
        let dates: ViewDates
    }

    /// One database of 60 random investors, built once per seed.
    static func fixture(_ random: inout Xoshiro) async throws -> Fixture {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let fields = FieldCatalog(database: database)
        _ = try await fields.create(.investors, label: "Score", type: .number, options: nil)
        _ = try await fields.create(
            .investors,
            label: "Region",
            type: .singleSelect,
            options: ["choices": .array(Self.regions.prefix(3).map(JSONValue.string))]
        )
        _ = try await fields.create(.investors, label: "Flags", type: .multiSelect, options: ["free": true])
        _ = try await fields.create(.investors, label: "Met", type: .date, options: nil)
        _ = try await fields.create(.investors, label: "Hot", type: .checkbox, options: nil)
        _ = try await fields.create(.investors, label: "Nickname", type: .text, options: nil)
        _ = try await fields.create(.investors, label: "Pledge", type: .currency, options: nil)
        _ = try await fields.create(.investors, label: "Seen", type: .datetime, options: nil)
        // Formula fields: views filter and sort on their stored results like any other value.
        _ = try await fields.create(.investors, label: "Score x2", type: .formula, options: nil, formula: "{Score} * 2")
        _ = try await fields.create(
            .investors,
            label: "Shout",
            type: .formula,
            options: nil,
            formula: "UPPER({Nickname})"
        )
        _ = try await fields.create(
            .investors,
            label: "Met plus week",
            type: .formula,
            options: nil,
            formula: "DATEADD({Met}, 7, 'days')"
        )
        let now = Date(timeIntervalSince1970: 1_795_500_000)
        let dates = ViewDates(now: now, timeZone: TimeZone(identifier: "America/New_York")!)
        let store = RecordStore(database: database)
        func maybe(_ value: @autoclosure () -> JSONValue) -> JSONValue? {
            Int.random(in: 0..<4, using: &random) == 0 ? nil : value()
        }
        func day(_ offset: Int) -> String { dates.day(of: now.addingTimeInterval(Double(offset) * 86400)) }
        for _ in 0..<60 {
            var values: [String: JSONValue] = ["name": .string(Self.names.randomElement(using: &random)!)]
            values["stage"] = .string(
                ["prospect", "intro", "meeting", "passed", "committed"].randomElement(using: &random)!
            )
            values["type"] = maybe(.string(["family_office", "endowment", "pension"].randomElement(using: &random)!))
            values["location"] = maybe(.string(Self.names.randomElement(using: &random)!))
            values["check_size_min"] = maybe(.number(Double(Int.random(in: 0...50, using: &random) * 100_000)))
            values["next_step_at"] = maybe(.string(day(Int.random(in: -40...40, using: &random))))
            values["last_contacted_at"] = maybe(
                .string(
                    FieldValues.formatDateTime(
                        now.addingTimeInterval(Double(Int.random(in: -3_000_000...3_000_000, using: &random)))
                    )
                )
            )
            values["tags"] = maybe(
                .array(
                    Array(Self.flags.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))).map(
                        JSONValue.string
                    )
                )
            )
            values["score"] = maybe(.number(Double(Int.random(in: -5...5, using: &random))))
            values["region"] = maybe(.string(Self.regions.prefix(3).randomElement(using: &random)!))
            values["flags"] = maybe(
                .array(
                    Array(Self.flags.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))).map(
                        JSONValue.string
                    )
                )
            )
            values["met"] = maybe(.string(day(Int.random(in: -40...40, using: &random))))
            values["hot"] = maybe(.bool(Bool.random(using: &random)))
            values["nickname"] = maybe(.string(Self.names.randomElement(using: &random)!))
            values["pledge"] = maybe(.number(Double(Int.random(in: 0...20, using: &random)) * 2.5))
            values["seen"] = maybe(
                .string(
                    FieldValues.formatDateTime(
                        now.addingTimeInterval(Double(Int.random(in: -3_000_000...3_000_000, using: &random)))
                    )
                )
            )
            _ = try await store.create(.investors, fields: values.compactMapValues { $0 }, by: nil)
        }
        let catalog = try await database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        return Fixture(directory: directory, database: database, catalog: catalog, dates: dates)
    }

    static func randomValue(
        _ column: FieldColumn,
        _ op: FilterCondition.Operator,
        _ random: inout Xoshiro
    ) -> JSONValue? {
        switch op {
        case .isEmpty, .isNotEmpty: return nil
        default: break
        }
        switch column.category {
        case .text, .select:
            let pool =
                column.category == .select
                ? Self.regions + ["prospect", "PASSED", "meeting", "pension"] : Self.needles + Self.names
            if op == .isAnyOf || op == .isNoneOf {
                return .array(
                    (0..<Int.random(in: 1...3, using: &random)).map { _ in .string(pool.randomElement(using: &random)!)
                    }
                )
            }
            return .string(pool.randomElement(using: &random)!)
        case .multi:
            return .array(
                (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    .string((Self.flags + ["HOT"]).randomElement(using: &random)!)
                }
            )
        case .number:
            return .number(
                column.field.key == "check_size_min"
                    ? Double(Int.random(in: 0...50, using: &random) * 100_000)
                    : column.field.key == "pledge"
                        ? Double(Int.random(in: 0...20, using: &random)) * 2.5
                        : Double(Int.random(in: -5...5, using: &random))
            )
        case .checkbox: return .bool(Bool.random(using: &random))
        case .link: return .number(Double(Int.random(in: 1...3, using: &random)))
        case .date, .datetime:
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                return .string(
                    ViewDates(
                        now: Date(timeIntervalSince1970: 1_795_500_000),
                        timeZone: TimeZone(identifier: "America/New_York")!
                    )
                    .day(
                        of: Date(
                            timeIntervalSince1970: 1_795_500_000 + Double(Int.random(in: -30...30, using: &random))
                                * 86400
                        )
                    )
                )
            case 1:
                let relative = ["days_ago", "days_from_now"].randomElement(using: &random)!
                return .object([
                    "relative": .string(relative), "days": .number(Double(Int.random(in: 0...30, using: &random))),
                ])
            default:
                return .object([
                    "relative": .string(
                        ViewDates.relativeValues.filter { !$0.hasPrefix("days") }.randomElement(using: &random)!
                    )
                ])
            }
        }
    }

    static func randomGroup(_ columns: [FieldColumn], depth: Int, _ random: inout Xoshiro) -> FilterGroup {
        var nodes: [FilterGroup.Node] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            if depth < ViewCompiler.maximumDepth && Int.random(in: 0..<4, using: &random) == 0 {
                nodes.append(.group(Self.randomGroup(columns, depth: depth + 1, &random)))
            } else {
                let column = columns.randomElement(using: &random)!
                let op = ViewCompiler.operators(for: column.category).randomElement(using: &random)!
                nodes.append(.condition(FilterCondition(column.field.key, op, Self.randomValue(column, op, &random))))
            }
        }
        return FilterGroup(Bool.random(using: &random) ? .and : .or, nodes)
    }

    @Test func sqlAndTheReferenceAgreeOnRandomViews() async throws {
        await propertyCheck(count: 12, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var random = Xoshiro(seed: (UInt64(seed), 0x9E37_79B9, 7, 11))
            let fixture = try await Self.fixture(&random)
            let columns = fixture.catalog.map(FieldColumn.init).filter { $0.field.key != "owner_id" }
            let reference = ViewReference(
                catalog: Dictionary(uniqueKeysWithValues: fixture.catalog.map { ($0.key, $0) }),
                dates: fixture.dates
            )
            let all = try await fixture.database.pool.read { db in
                try RecordQuery().page(.investors, limit: 1000, cursor: nil, dates: fixture.dates, db).records
            }
            for _ in 0..<25 {
                var query = RecordQuery(filter: Self.randomGroup(columns, depth: 1, &random))
                query.sorts = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    ViewDefinition.Sort(
                        field: columns.randomElement(using: &random)!.field.key,
                        direction: Bool.random(using: &random) ? .asc : .desc
                    )
                }
                // A grouped view's pages come group by group: its group fields order first.
                if Int.random(in: 0..<3, using: &random) == 0 {
                    query.groupBy = [
                        ViewDefinition.Sort(
                            field: columns.randomElement(using: &random)!.field.key,
                            direction: Bool.random(using: &random) ? .asc : .desc
                        )
                    ]
                }
                if Int.random(in: 0..<4, using: &random) == 0 {
                    query.search = Self.needles.filter { $0.allSatisfy { $0.isLetter || $0.isNumber } }.randomElement(
                        using: &random
                    )
                }

                // Both plans read the same pages: walking the view's sort index and sorting the matches.
                let compiledOrder = try query.order(
                    ViewCompiler(table: .investors, catalog: fixture.catalog, dates: fixture.dates)
                )
                if let index = ViewIndexes.index(.investors, order: compiledOrder) {
                    try await fixture.database.pool.write { db in try db.execute(sql: index.sql) }
                }
                var pagesByPlan: [RecordQuery.Plan?: [Int64]] = [:]
                for plan in [nil, RecordQuery.Plan.walk, .filterFirst] {
                    var ids: [Int64] = []
                    var cursor: String?
                    var pages = 0
                    repeat {
                        pages += 1
                        if pages > 20 {
                            Issue.record("the pages do not end: \(query.sorts)")
                            return
                        }
                        let page = try await fixture.database.pool.read { [query, cursor] db in
                            try query.page(.investors, limit: 7, cursor: cursor, dates: fixture.dates, plan: plan, db)
                        }
                        ids += page.records.map(\.id)
                        cursor = page.next
                    } while cursor != nil
                    pagesByPlan[plan] = ids
                }
                var expected = all.filter { record in
                    (query.filter.map { reference.matches(record, $0) } ?? true)
                        && (query.search.map { reference.searchMatches(record, $0) } ?? true)
                }
                expected = reference.ordered(expected, query.groupBy + query.sorts)
                let count = try await fixture.database.pool.read { [query] db in
                    try query.count(.investors, dates: fixture.dates, db)
                }
                let described = String(decoding: try JSONEncoder().encode(query.filter), as: UTF8.self)
                for (plan, ids) in pagesByPlan {
                    #expect(
                        ids == expected.map(\.id),
                        "seed \(seed), plan \(plan.map { "\($0)" } ?? "chosen"): \(described) groups \(query.groupBy) sorts \(query.sorts) search \(query.search ?? "-")"
                    )
                }
                #expect(count == expected.count)
            }
            _ = fixture.directory
        }
    }
}

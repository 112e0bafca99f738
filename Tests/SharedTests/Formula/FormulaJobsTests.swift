import Foundation
import GRDB
import SharedTesting
import Synchronization
import Testing

@testable import Shared

/// A changed formula over a large table is recomputed in batches with progress; edits during the
/// job see the new formula at once; a newer formula supersedes the job.
@Suite struct FormulaJobsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func largeTablesRecomputeInBatchesAndNewerFormulasSupersede() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let store = RecordStore(database: database, now: { Self.now })
        let fields = FieldCatalog(database: database, now: { Self.now }, inlineRecomputeLimit: 5)
        let jobs = FormulaJobs(database: database, now: { Self.now }, batchSize: 5)
        for index in 1...12 {
            _ = try await store.create(.investors, fields: ["name": .string("Investor \(index)")], by: nil)
        }

        let length = try await fields.create(
            .investors,
            label: "Length",
            type: .formula,
            options: nil,
            formula: "LEN({Name})"
        )
        let first = try await database.pool.read { db in try FormulaJobs.running(.investors, key: length.key, db) }
        #expect(first?.total == 12 && first?.done == 0)
        #expect(
            try await store.get(.investors, id: 1)?.fields[length.key] == .null,
            "not computed until the job reaches it"
        )

        #expect(try await jobs.step())
        #expect(try await jobs.job(first!.id)?.done == 5)
        #expect(try await store.get(.investors, id: 5)?.fields[length.key] == 10)
        #expect(try await store.get(.investors, id: 6)?.fields[length.key] == .null)
        let edited = try await store.update(.investors, id: 9, expectedVersion: 1, fields: ["name": "Nine"], by: nil)
        #expect(edited.fields[length.key] == 4, "a record written during the job uses the new formula")

        _ = try await fields.update(
            .investors,
            key: length.key,
            label: nil,
            options: nil,
            hiddenByDefault: nil,
            position: nil,
            formula: "LEN({Name}) * 10"
        )
        #expect(try await jobs.job(first!.id)?.status == .superseded)
        let versionBefore = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state")
        }
        try await jobs.runAll()
        let second = try await database.pool.read { db in
            try FormulaJobs.Job.fetchOne(db, sql: "SELECT * FROM formula_jobs ORDER BY id DESC LIMIT 1")
        }
        #expect(second?.status == .done && second?.done == 12 && second?.finishedAt == Self.now)
        let records = try await store.list(.investors, limit: 20, afterId: nil).records
        #expect(records.map { $0.fields[length.key] } == [100, 100, 100, 100, 100, 100, 100, 100, 40, 110, 110, 110])
        let versionAfter = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state")
        }
        #expect(versionAfter! > versionBefore!, "clients reload once the column is done")
        #expect(try await jobs.step() == false)
    }

    @Test func aJobForAnArchivedFieldEnds() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let store = RecordStore(database: database, now: { Self.now })
        let fields = FieldCatalog(database: database, now: { Self.now }, inlineRecomputeLimit: 1)
        for index in 1...3 { _ = try await store.create(.investors, fields: ["name": .string("I\(index)")], by: nil) }
        let twice = try await fields.create(
            .investors,
            label: "Twice",
            type: .formula,
            options: nil,
            formula: "{Name} & {Name}"
        )
        try await fields.delete(.investors, key: twice.key)
        let jobs = FormulaJobs(database: database, now: { Self.now })
        try await jobs.runAll()
        let statuses = try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT status FROM formula_jobs")
        }
        #expect(statuses == ["superseded"])
    }

    @Test func formulasThatReadTheClockAreRefreshedOnceADay() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let clock = Mutex(Self.now)
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        let store = RecordStore(database: database, now: now)
        let fields = FieldCatalog(database: database, now: now)
        let jobs = FormulaJobs(database: database, now: now)
        let record = try await store.create(
            .investors,
            fields: ["name": "Acme", "next_step_at": "2027-01-20"],
            by: nil
        )
        let due = try await fields.create(
            .investors,
            label: "Days left",
            type: .formula,
            options: nil,
            formula: "DATETIME_DIFF({Next step date}, TODAY(), 'days')"
        )
        _ = try await fields.create(.investors, label: "Plain", type: .formula, options: nil, formula: "UPPER({Name})")
        #expect(try await store.get(.investors, id: record.id)?.fields[due.key] == 5)
        #expect(try await jobs.refreshClockBound() == 1, "only the formula that reads the clock")
        try await jobs.runAll()
        #expect(try await jobs.refreshClockBound() == 0, "once a day")
        clock.withLock { $0 = $0.addingTimeInterval(2 * 86_400) }
        #expect(try await jobs.refreshClockBound() == 1)
        try await jobs.runAll()
        #expect(try await store.get(.investors, id: record.id)?.fields[due.key] == 3)
    }
}

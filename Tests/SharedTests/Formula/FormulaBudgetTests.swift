import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Formulas run inside writes, so every function charges the work it does, the super-linear
/// ones are linear, and a formula over its budget (steps or time) is an error with the reason.
@Suite struct FormulaBudgetTests {
    static func run(
        _ source: String,
        fields: [String: FormulaValue],
        limits: FormulaLimits = .standard
    ) throws -> FormulaValue {
        let names = fields.keys.sorted().map { FormulaField(key: $0, label: $0, type: .text) }
        let compiled = try FormulaChecker.check(source, fields: names, limits: limits)
        return compiled.evaluate(FormulaContext(fields: fields, limits: limits))
    }

    /// FIND and SEARCH charged nothing: a 100,000-character text cost one step.
    @Test(arguments: [
        "FIND({needle}, {text})", "SEARCH({needle}, {text})", "LOWER({text})", "LEN({text})",
        "SUBSTITUTE({text}, {needle}, 'x')",
    ])
    func everyFunctionChargesTheTextItReads(formula: String) throws {
        var limits = FormulaLimits()
        limits.maxSteps = 500
        let value = try Self.run(
            formula,
            fields: ["text": .text(String(repeating: "a", count: 100_000)), "needle": .text("b")],
            limits: limits
        )
        #expect(value.fault?.reason.contains("more than 500 steps") == true, "\(formula) gave \(value)")
    }

    /// The review's case: a 32,000-character text and a 16,000-character needle that almost
    /// matches everywhere (quadratic before: seconds per record).
    @Test func findAndSearchAreLinearOnNeedlesThatRepeatThemselves() throws {
        let text = String(repeating: "a", count: 32_000)
        let needle = String(repeating: "a", count: 15_999) + "b"
        let fields: [String: FormulaValue] = [
            "text": .text(text + "b"), "needle": .text(needle), "miss": .text(String(needle.dropLast()) + "c"),
        ]
        #expect(try Self.run("FIND({needle}, {text})", fields: fields) == .number(16_002))
        #expect(try Self.run("SEARCH(UPPER({needle}), {text})", fields: fields) == .number(16_002))
        #expect(try Self.run("FIND({miss}, {text})", fields: fields) == .number(0))
        #expect(try Self.run("LEN(SUBSTITUTE({text}, {needle}, ''))", fields: fields) == .number(16_001))
    }

    /// Random small texts over a two-letter alphabet (where overlaps are everywhere): the linear
    /// search finds what a plain scan finds.
    @Test func theLinearSearchAgreesWithAPlainScan() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33) % bound
        }
        for _ in 0..<2_000 {
            let haystack = (0..<next(30)).map { _ in Character(next(2) == 0 ? "a" : "b") }
            let needle = (0..<(1 + next(5))).map { _ in Character(next(2) == 0 ? "a" : "b") }
            var plain: [Int] = []
            var index = 0
            while index + needle.count <= haystack.count {
                if Array(haystack[index..<index + needle.count]) == needle {
                    plain.append(index)
                    index += needle.count
                } else {
                    index += 1
                }
            }
            #expect(TextSearch(needle).occurrences(in: haystack) == plain, "\(String(needle)) in \(String(haystack))")
        }
    }

    /// A long format without a closing bracket was quadratic (every `[` scanned to the end).
    @Test func dateFormatsAreReadInLinearTime() throws {
        let format = String(repeating: "[", count: 50_000) + String(repeating: "_", count: 40_000)
        let value = try Self.run("DATETIME_FORMAT('2026-03-15', {format})", fields: ["format": .text(format)])
        #expect(value.fault == nil && value.text == format, "a format without ] is all literal text")
        let quoted = try Self.run("DATETIME_FORMAT('2026-03-15', '[on] D MMMM [of] YYYY')", fields: [:])
        #expect(quoted == .text("on 15 March of 2026"))
    }

    /// Many empty groups over a long text allocated every match's groups at once (gigabytes)
    /// before any limit applied; now each match is charged as it is found.
    @Test func regexReplaceWithManyGroupsStopsOnItsBudget() throws {
        let groups = String(repeating: "()", count: 900)
        let value = try Self.run(
            "REGEX_REPLACE({text}, {pattern}, 'x')",
            fields: ["text": .text(String(repeating: "a", count: 100_000)), "pattern": .text(groups)]
        )
        #expect(value.fault?.reason.hasSuffix("so it was stopped.") == true, "\(String(describing: value.fault))")
        #expect(try Self.run("REGEX_REPLACE('a-b-c', '(-)', '+')", fields: [:]) == .text("a+b+c"))
    }

    @Test func aFormulaOverItsTimeIsAnErrorWithTheReason() throws {
        var limits = FormulaLimits()
        limits.maxRecordDuration = .zero
        limits.maxSteps = 10_000_000
        let value = try Self.run(
            "LEN(REPT({text}, 10) & REPT({text}, 10) & REPT({text}, 10))",
            fields: ["text": .text(String(repeating: "ab", count: 4_000))],
            limits: limits
        )
        #expect(
            value.fault?.reason == "The formula took longer than 0 ms for this record, so it was stopped.",
            "\(value)"
        )
    }

    /// A slow formula saved on a table is computed inline only for its batch budget; the rest goes
    /// to a job, so the save's write transaction stays short.
    @Test func aColumnRecomputePastItsBatchBudgetLeavesTheRestToAJob() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let store = RecordStore(database: database)
        for index in 1...6 {
            _ = try await store.create(.investors, fields: ["name": .string("Investor \(index)")], by: nil)
        }
        var limits = FormulaLimits()
        limits.maxBatchDuration = .zero
        let fields = FieldCatalog(database: database, limits: limits)
        let length = try await fields.create(
            .investors,
            label: "Len",
            type: .formula,
            options: nil,
            formula: "LEN({Name})"
        )
        let job = try await database.pool.read { db in try FormulaJobs.running(.investors, key: length.key, db) }?.id
        let id = try #require(job, "a job takes over")
        let jobs = FormulaJobs(database: database, limits: limits)
        let started = try #require(try await jobs.job(id))
        #expect(started.done == 1 && started.nextId == 1 && started.total == 6)
        #expect(try await store.get(.investors, id: 1)?.fields[length.key] == 10)
        #expect(try await store.get(.investors, id: 2)?.fields[length.key] == .null)
        // Each step evaluates one record (its budget is spent at once) outside the write lock.
        #expect(try await jobs.step())
        #expect(try await jobs.job(id)?.done == 2)
        try await jobs.runAll()
        #expect(try await jobs.job(id)?.status == .done)
        for index in 1...6 {
            #expect(
                try await store.get(.investors, id: Int64(index))?.fields[length.key]
                    == .number(Double("Investor \(index)".count))
            )
        }
    }

    /// Results evaluated outside the write lock are written only to records that did not change
    /// meanwhile.
    @Test func resultsAreNotWrittenOverARecordThatChangedSinceItWasRead() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let store = RecordStore(database: database)
        let fields = FieldCatalog(database: database)
        let created = try await store.create(.investors, fields: ["name": "Acme"], by: nil)
        let length = try await fields.create(
            .investors,
            label: "Length",
            type: .formula,
            options: nil,
            formula: "LEN({Name})"
        )
        let catalog = try await database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        let stale = try await database.pool.read { db in
            try FormulaFields.evaluate(
                FormulaFields.entries(recomputing: length.key, catalog),
                .investors,
                id: created.id,
                catalog: catalog,
                at: Date(),
                zone: nil,
                db
            )
        }
        _ = try await store.update(
            .investors,
            id: created.id,
            expectedVersion: created.version,
            fields: ["name": "Acme Capital"],
            by: nil
        )
        let changedOutcome = FormulaFields.Outcome(
            id: stale!.id,
            version: stale!.version,
            readCustom: stale!.readCustom,
            custom: [length.key: 99],
            errors: [:],
            changed: true
        )
        let written = try await database.pool.write { db in
            try FormulaFields.store(changedOutcome, .investors, ifUnchanged: true, db)
        }
        #expect(!written)
        #expect(try await store.get(.investors, id: created.id)?.fields[length.key] == 12)
    }
}

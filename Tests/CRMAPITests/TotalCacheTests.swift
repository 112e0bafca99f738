import Foundation
import Shared
import Testing

@testable import crm_api

@Suite struct TotalCacheTests {
    /// A door the count waits behind, opened by the test.
    actor Gate {
        private var open = false
        func opened() -> Bool { self.open }
        func unlock() { self.open = true }
    }

    @Test func aSlowTotalDoesNotHoldThePageAndIsThereNextTime() async throws {
        let cache = TotalCache()
        let gate = Gate()
        let calls = Counter()
        // The count cannot finish until the page has returned: if the page waited for it, this
        // would only end when the count gives up after a minute, and `first` would be 42.
        let first = await cache.total(for: "q", wait: .milliseconds(20)) {
            await calls.add()
            for _ in 0..<6000 where !(await gate.opened()) { try await Task.sleep(for: .milliseconds(10)) }
            return 42
        }
        #expect(first == nil)
        await gate.unlock()
        var later: Int?
        for _ in 0..<500 where later != 42 {
            try await Task.sleep(for: .milliseconds(10))
            later = await cache.total(for: "q", wait: .milliseconds(1)) { 0 }
        }
        #expect(later == 42)
        #expect(await calls.value == 1, "counted once, in the background")
    }

    actor Counter {
        private(set) var value = 0
        func add() { self.value += 1 }
    }
}

/// The key a total is cached under is the same for the same question asked again: it once
/// encoded the filter without sorted keys, so the same view got a new key on most requests, the
/// cache never hit, and every page of a big view counted it again in the background.
@Suite struct TotalKeyTests {
    @Test func theSameFilterDecodedAgainGivesTheSameKey() throws {
        let json = #"""
            {"conjunction": "or", "conditions": [
              {"field": "stage", "operator": "is_any_of", "value": ["meeting", "diligence"]},
              {"conjunction": "and", "conditions": [{"field": "next_step_at", "operator": "is_within", "value": {"relative": "days_from_now", "days": 7}},
                                                    {"field": "check_size_min", "operator": "gt", "value": 2000000}]}]}
            """#
        let dates = ViewDates(now: Date(timeIntervalSince1970: 1_800_000_000), timeZone: .gmt)
        var keys = Set<String>()
        for _ in 0..<50 {
            let filter = try JSONDecoder().decode(FilterGroup.self, from: Data(json.utf8))
            keys.insert(
                try TotalCache.key(table: .investors, query: RecordQuery(filter: filter), version: 3, dates: dates)
            )
        }
        #expect(keys.count == 1)
    }
}

import Foundation
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

import Foundation
import Testing
@testable import crm_api

@Suite struct TotalCacheTests {
    @Test func aSlowTotalDoesNotDelayThePageAndIsThereNextTime() async throws {
        let cache = TotalCache()
        let started = ContinuousClock.now
        let first = await cache.total(for: "q", wait: .milliseconds(20)) {
            try await Task.sleep(for: .milliseconds(300))
            return 42
        }
        #expect(first == nil)
        #expect(ContinuousClock.now - started < .milliseconds(250), "the page did not wait for the count")
        try await Task.sleep(for: .milliseconds(400))
        #expect(await cache.total(for: "q") { 0 } == 42, "computed once, in the background")
        #expect(await cache.total(for: "fast") { 7 } == 7, "a quick total comes with the page")
    }
}

import Foundation
import Synchronization
import Testing

@testable import Google

/// A mailbox never spends more of Gmail's quota than its budget in any sixty seconds, never has
/// more than its few requests in flight, and waits as long as Google said.
struct GmailQuotaTests {
    /// A clock that only moves when the quota sleeps, so a minute passes in no time.
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { self.time.withLock { $0 } }
        func sleep(_ seconds: TimeInterval) async {
            self.time.withLock { $0 = $0.addingTimeInterval(seconds) }
            await Task.yield()
        }
    }

    /// The most requests running at once.
    final class Peak: Sendable {
        let counts = Mutex((now: 0, most: 0))
        var most: Int { self.counts.withLock { $0.most } }
        func enter() {
            self.counts.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
        }
        func leave() { self.counts.withLock { $0.now -= 1 } }
    }

    func quota(_ perMinute: Int, _ clock: Clock, inFlight: Int = 4) -> GmailQuota {
        GmailQuota(
            unitsPerMinute: perMinute,
            maxInFlight: inFlight,
            now: { clock.now },
            sleep: { await clock.sleep($0) }
        )
    }

    @Test func spendingStaysWithinTheBudgetInEverySixtySeconds() async {
        let clock = Clock()
        let quota = self.quota(100, clock)
        var spent: [(Date, Int)] = []
        for _ in 0..<25 {
            await quota.acquire(20)
            spent.append((clock.now, 20))
            await quota.release()
        }
        for (start, _) in spent {
            let window = spent.filter { $0.0 >= start && $0.0 < start.addingTimeInterval(60) }
            #expect(window.reduce(0) { $0 + $1.1 } <= 100)
        }
        // 25 reads of 20 units at 100 a minute: five a minute, so four more minutes after the first five.
        let elapsed = clock.now.timeIntervalSince(spent[0].0)
        #expect(elapsed >= 240 && elapsed < 241)
        #expect(await quota.totalUnits == 500)
    }

    @Test func aCallDearerThanTheBudgetStillRunsAlone() async {
        let clock = Clock()
        let quota = self.quota(10, clock)
        await quota.acquire(5)
        await quota.release()
        let before = clock.now
        await quota.acquire(30)
        await quota.release()
        #expect(clock.now.timeIntervalSince(before) >= 60)
    }

    @Test func noMoreThanTheLimitIsInFlight() async {
        let clock = Clock()
        let quota = self.quota(1_000_000, clock, inFlight: 2)
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await quota.acquire(1)
                    peak.enter()
                    try? await Task.sleep(for: .milliseconds(5))
                    peak.leave()
                    await quota.release()
                }
            }
        }
        #expect(peak.most == 2)
    }

    @Test func nothingStartsBeforeTheTimeGoogleGave() async {
        let clock = Clock()
        let quota = self.quota(6_000, clock)
        let until = clock.now.addingTimeInterval(30)
        await quota.pause(until: until)
        await quota.acquire(1)
        #expect(clock.now >= until)
    }

    @Test func backoffDoublesWithJitterUpToItsCapAndHonoursRetryAfter() {
        let backoff = Backoff(base: 1)
        let now = Date()
        #expect(backoff.delay(attempt: 0, retryAfter: nil, now: now, random: 0) == 0.5)
        #expect(backoff.delay(attempt: 0, retryAfter: nil, now: now, random: 1) == 1)
        #expect(backoff.delay(attempt: 3, retryAfter: nil, now: now, random: 1) == 8)
        #expect(
            backoff.delay(attempt: 4, retryAfter: nil, now: now) == nil,
            "four retries, then the failure is handed on"
        )
        #expect(backoff.delay(attempt: 0, retryAfter: now.addingTimeInterval(3), now: now) == 3)
        #expect(
            backoff.delay(attempt: 0, retryAfter: now.addingTimeInterval(120), now: now) == nil,
            "a long wait throttles the mailbox instead"
        )
        var capped = Backoff(base: 1)
        capped.retries = 20
        #expect(capped.delay(attempt: 12, retryAfter: nil, now: now, random: 1) == 64)
    }
}

import Foundation

/// A token bucket per key for writes: `ratePerSecond` sustained, `burst` at once. Keys are a
/// signed-in user (`user:7`) or, for requests nobody signed, the client IP (`ip:…`), so a flood
/// of anonymous writes from behind one proxy never drains the team's own budgets.
actor WriteLimiter {
    let ratePerSecond: Double
    let burst: Double
    /// Buckets untouched this long are full again and are dropped.
    let idleAfter: TimeInterval
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]
    private var lastPrune = Date.distantPast

    init(ratePerSecond: Int, burst: Int) {
        self.ratePerSecond = Double(ratePerSecond)
        self.burst = Double(burst)
        self.idleAfter = Double(burst) / Double(ratePerSecond)
    }

    /// How many keys are held (for tests of the pruning).
    var count: Int { self.buckets.count }

    /// Takes one token; returns nil when allowed, else the seconds until one is available.
    func take(key: String, now: Date) -> TimeInterval? {
        if now.timeIntervalSince(self.lastPrune) >= max(60, self.idleAfter) { self.prune(now: now) }
        var bucket = self.buckets[key] ?? (self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * self.ratePerSecond)
        bucket.updated = now
        defer { self.buckets[key] = bucket }
        guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / self.ratePerSecond }
        bucket.tokens -= 1
        return nil
    }

    /// Drops the buckets that have refilled: forgetting them changes no answer.
    private func prune(now: Date) {
        self.lastPrune = now
        self.buckets = self.buckets.filter { now.timeIntervalSince($0.value.updated) < self.idleAfter }
    }
}

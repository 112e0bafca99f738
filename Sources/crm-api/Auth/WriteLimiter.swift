import Foundation

/// A token bucket per client IP for writes: `ratePerSecond` sustained, `burst` at once.
actor WriteLimiter {
    let ratePerSecond: Double
    let burst: Double
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]

    init(ratePerSecond: Int, burst: Int) {
        self.ratePerSecond = Double(ratePerSecond)
        self.burst = Double(burst)
    }

    /// Takes one token; returns nil when allowed, else the seconds until one is available.
    func take(key: String, now: Date) -> TimeInterval? {
        var bucket = self.buckets[key] ?? (self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * self.ratePerSecond)
        bucket.updated = now
        defer {
            self.buckets[key] = bucket
            if self.buckets.count > 50_000 { self.buckets = self.buckets.filter { $0.value.tokens < self.burst } }
        }
        guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / self.ratePerSecond }
        bucket.tokens -= 1
        return nil
    }
}

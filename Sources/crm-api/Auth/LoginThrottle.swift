import Foundation

/// Failed sign-ins per client IP and per account: after `limit` failures within a minute the key
/// is locked, for one minute the first time and twice as long each time after (up to an hour).
actor LoginThrottle {
    struct Entry {
        var failures: [Date] = []
        var strikes = 0
        var lockedUntil: Date?
        var lastFailure: Date = .distantPast
    }

    let limit: Int
    let window: TimeInterval = 60
    let firstLockout: TimeInterval = 60
    let longestLockout: TimeInterval = 3600
    private var entries: [String: Entry] = [:]

    init(limit: Int = 10) {
        self.limit = limit
    }

    /// Seconds until the first of `keys` is unlocked, or nil when none is locked.
    func retryAfter(keys: [String], now: Date) -> TimeInterval? {
        keys.compactMap { key in
            guard let until = self.entries[key]?.lockedUntil, until > now else { return nil }
            return until.timeIntervalSince(now)
        }.max()
    }

    func recordFailure(keys: [String], now: Date) {
        for key in keys {
            var entry = self.entries[key] ?? Entry()
            if now.timeIntervalSince(entry.lastFailure) > 24 * 3600 { entry.strikes = 0 }
            entry.failures = entry.failures.filter { now.timeIntervalSince($0) < self.window } + [now]
            entry.lastFailure = now
            if entry.failures.count >= self.limit {
                let lockout = min(self.firstLockout * pow(2, Double(entry.strikes)), self.longestLockout)
                entry.lockedUntil = now.addingTimeInterval(lockout)
                entry.strikes += 1
                entry.failures = []
            }
            self.entries[key] = entry
        }
        if self.entries.count > 50_000 { self.prune(now: now) }
    }

    func recordSuccess(key: String) {
        self.entries[key] = nil
    }

    private func prune(now: Date) {
        self.entries = self.entries.filter { _, entry in
            (entry.lockedUntil.map { $0 > now } ?? false) || now.timeIntervalSince(entry.lastFailure) < 24 * 3600
        }
    }
}

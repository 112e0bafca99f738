import Foundation

/// One mailbox's share of Gmail's per-user quota, spent in Google's own units: no more than
/// `unitsPerMinute` in any sixty seconds (a sliding window, so it holds whether Google counts in
/// fixed minutes or rolling ones), at most `maxInFlight` requests at once, and nothing at all
/// while Google has said to wait.
public actor GmailQuota {
    /// What each call costs, in quota units (Google's table since May 2026 by default).
    public struct Costs: Sendable, Equatable {
        public var profile = 1
        public var list = 5
        public var history = 2
        public var get = 20
        public var draft = 10

        public init(get: Int = 20) { self.get = get }
    }

    public nonisolated let unitsPerMinute: Int
    public nonisolated let costs: Costs
    public nonisolated let maxInFlight: Int
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (TimeInterval) async -> Void
    private var spent: [(at: Date, units: Int)] = []
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var pausedUntil: Date?
    /// Every unit spent since this quota was made, for the Admin page and the bench.
    public private(set) var totalUnits = 0

    public init(
        unitsPerMinute: Int = 6_000,
        costs: Costs = Costs(),
        maxInFlight: Int = 4,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (TimeInterval) async -> Void = { seconds in
            try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
        }
    ) {
        self.unitsPerMinute = max(1, unitsPerMinute)
        self.costs = costs
        self.maxInFlight = max(1, maxInFlight)
        self.now = now
        self.sleep = sleep
    }

    /// Waits for a free slot and for `units` to fit the window, then spends them. A call dearer
    /// than the whole budget still runs once the window is empty, alone.
    public func acquire(_ units: Int) async {
        if self.inFlight < self.maxInFlight {
            self.inFlight += 1
        } else {
            await withCheckedContinuation { self.waiting.append($0) }
        }
        while true {
            let now = self.now()
            if let until = self.pausedUntil, until > now {
                await self.sleep(until.timeIntervalSince(now))
                continue
            }
            self.spent.removeAll { $0.at <= now.addingTimeInterval(-60) }
            let used = self.spent.reduce(0) { $0 + $1.units }
            if used + units <= self.unitsPerMinute || self.spent.isEmpty {
                self.spent.append((now, units))
                self.totalUnits += units
                return
            }
            // Wait until enough of the oldest spending leaves the window.
            var freed = 0
            var until = now
            for entry in self.spent {
                freed += entry.units
                until = entry.at.addingTimeInterval(60)
                if used - freed + units <= self.unitsPerMinute { break }
            }
            await self.sleep(max(0.001, until.timeIntervalSince(now)))
        }
    }

    /// Gives the slot back; the next waiting request takes it over.
    public func release() {
        if self.waiting.isEmpty {
            self.inFlight -= 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }

    /// Google said to wait: no request of this mailbox starts before `until`.
    public func pause(until: Date) {
        if self.pausedUntil.map({ $0 < until }) ?? true { self.pausedUntil = until }
    }
}

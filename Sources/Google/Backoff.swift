import Foundation

/// How long to wait before trying a request again: truncated exponential backoff (1 s, 2 s,
/// 4 s … up to 64 s, each scaled by `base`) with jitter over the upper half, or exactly what
/// Google asked for in `Retry-After`.
public struct Backoff: Sendable {
    /// Tries after the first, before the failure is handed on.
    public var retries = 4
    /// The first wait; tests make it small.
    public var base: TimeInterval = 1
    public var cap: TimeInterval = 64
    /// A `Retry-After` longer than this is not waited out in the request: the mailbox is
    /// throttled until then instead, which survives a restart.
    public var longestWait: TimeInterval = 10

    public init(base: TimeInterval = 1) { self.base = base }

    /// The wait before retry number `attempt` (0 for the first retry); nil when it is not worth
    /// waiting inside the request.
    public func delay(
        attempt: Int,
        retryAfter: Date?,
        now: Date,
        random: Double = Double.random(in: 0...1)
    ) -> TimeInterval? {
        guard attempt < self.retries else { return nil }
        if let retryAfter {
            let wait = max(0, retryAfter.timeIntervalSince(now))
            return wait <= self.longestWait ? wait : nil
        }
        let ceiling = min(self.cap, self.base * pow(2, Double(attempt)))
        return ceiling / 2 + ceiling / 2 * min(1, max(0, random))
    }
}

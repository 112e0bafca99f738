import Foundation

/// Wakes the mailer when its next deferred mail falls due, so a retry waits for its backoff and
/// not for the next poll. Holds at most one pending wake-up: the earliest.
actor RetryTimer {
    private var due: Date?
    private var task: Task<Void, Never>?

    func schedule(at date: Date, now: Date, fire: @escaping @Sendable () -> Void) {
        if let due, due <= date, self.task != nil { return }
        self.task?.cancel()
        self.due = date
        let delay = max(0, date.timeIntervalSince(now))
        self.task = Task {
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 5))
            guard !Task.isCancelled else { return }
            self.fired()
            fire()
        }
    }

    private func fired() {
        self.due = nil
        self.task = nil
    }
}

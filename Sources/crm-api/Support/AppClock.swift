import Foundation
import Synchronization

/// The current time, injectable so tests can move it (session expiry, invite expiry, lockouts).
struct AppClock: Sendable {
    let now: @Sendable () -> Date

    static let system = AppClock { Date() }
}

/// A clock tests set and advance.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        self.current = Mutex(start)
    }

    func advance(by seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var clock: AppClock { AppClock { self.current.withLock { $0 } } }
}

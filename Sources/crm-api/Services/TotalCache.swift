import Foundation
import Shared
import Synchronization

/// Totals of filtered record lists, per query and data version. A page waits for its total only
/// briefly: on a big table the count finishes in the background, the page goes out with
/// `total: null`, and the next page (or `/records/count`) finds it here.
actor TotalCache {
    /// How long a page waits for a total it does not have yet.
    static let wait: Duration = .milliseconds(40)
    static let maximumEntries = 2000

    private var totals: [String: Int] = [:]
    private var running: [String: Task<Int?, Never>] = [:]

    /// The total if known within `wait`, else nil (and it is being computed).
    func total(
        for key: String,
        wait: Duration = TotalCache.wait,
        compute: @escaping @Sendable () async throws -> Int
    ) async -> Int? {
        if let total = self.totals[key] { return total }
        let task =
            self.running[key]
            ?? {
                let task = Task<Int?, Never> {
                    let value = try? await compute()
                    self.finished(key, value)
                    return value
                }
                self.running[key] = task
                return task
            }()
        // Whichever comes first: the count, or the end of the wait (a task group would wait for both).
        let resumed = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
            let resume: @Sendable (Int?) -> Void = { value in
                if resumed.withLock({ done in
                    defer { done = true }
                    return !done
                }) {
                    continuation.resume(returning: value)
                }
            }
            Task { resume(await task.value) }
            Task {
                try? await Task.sleep(for: wait)
                resume(nil)
            }
        }
    }

    private func finished(_ key: String, _ value: Int?) {
        self.running[key] = nil
        guard let value else { return }
        if self.totals.count >= Self.maximumEntries { self.totals = [:] }
        self.totals[key] = value
    }

    /// What a cached total depends on: the table, the filter and search, the data version and the
    /// day (relative dates move at midnight).
    static func key(table: RecordTable, query: RecordQuery, version: Int, dates: ViewDates) throws -> String {
        // Sorted keys: without them the same filter encodes in a different order on most requests.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let filter = String(decoding: try encoder.encode(query.filter), as: UTF8.self)
        let hidden = (query.fields ?? []).filter { $0.hidden == true }.map(\.key).sorted().joined(separator: ",")
        return [table.rawValue, String(version), dates.day(of: dates.now), filter, query.search ?? "", hidden].joined(
            separator: "\u{1}"
        )
    }
}

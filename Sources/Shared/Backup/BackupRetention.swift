import Foundation

/// Which backups a policy keeps: the newest `keepLast`; the newest of each of the last
/// `keepDailyDays` days and of each of the last `keepWeeklyWeeks` weeks; and always the newest
/// verified one. Safety backups (taken before a restore) count like the others.
public enum BackupRetention {
    public struct Candidate: Sendable, Equatable {
        public var id: Int64
        public var createdAt: Date
        public var verifiedOk: Bool

        public init(id: Int64, createdAt: Date, verifiedOk: Bool) {
            self.id = id
            self.createdAt = createdAt
            self.verifiedOk = verifiedOk
        }
    }

    /// The ids to keep; every other candidate may be pruned.
    public static func keep(_ candidates: [Candidate], policy: BackupPolicy, now: Date) -> Set<Int64> {
        let newestFirst = candidates.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        var keep = Set(newestFirst.prefix(policy.keepLast).map(\.id))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: policy.timeZone) ?? TimeZone(identifier: "UTC")!
        // ISO 8601 weeks: Monday first.
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        var days = Set<DateComponents>()
        var weeks = Set<DateComponents>()
        for candidate in newestFirst {
            let age = now.timeIntervalSince(candidate.createdAt)
            let day = calendar.dateComponents([.year, .month, .day], from: candidate.createdAt)
            if age < Double(policy.keepDailyDays) * 86_400, days.insert(day).inserted { keep.insert(candidate.id) }
            let week = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: candidate.createdAt)
            if age < Double(policy.keepWeeklyWeeks) * 7 * 86_400, weeks.insert(week).inserted {
                keep.insert(candidate.id)
            }
        }
        if let newestVerified = newestFirst.first(where: \.verifiedOk) { keep.insert(newestVerified.id) }
        return keep
    }
}

import Foundation
import Testing

@testable import Shared
@testable import crm_backup

@Suite struct BackupRetentionTests {
    let policy = BackupPolicy(
        enabled: true,
        timeOfDay: "02:30",
        timeZone: "UTC",
        keepLast: 3,
        keepDailyDays: 7,
        keepWeeklyWeeks: 4
    )
    let start = ISO8601DateFormatter().date(from: "2026-01-05T02:30:00Z")!  // a Monday

    /// A month and a half of nightly backups, with a manual one on some afternoons, pruned every
    /// night as crm-backup does.
    @Test func retentionKeepsExactlyWhatThePolicySaysAcrossSimulatedWeeks() {
        var live: [BackupRetention.Candidate] = []
        var nextId: Int64 = 1
        var now = self.start
        for day in 0..<45 {
            now = self.start.addingTimeInterval(Double(day) * 86_400)
            live.append(.init(id: nextId, createdAt: now, verifiedOk: true))
            nextId += 1
            if day % 10 == 3 {
                live.append(.init(id: nextId, createdAt: now.addingTimeInterval(12 * 3600), verifiedOk: true))
                nextId += 1
            }
            let keep = BackupRetention.keep(live, policy: self.policy, now: now)
            live = live.filter { keep.contains($0.id) }
        }
        // The last night is Wednesday 2026-02-18. Kept: the 3 newest; the newest of each of the last 7
        // days; the newest of each ISO week younger than 4 weeks (Sun Feb 8, Sun Feb 1, Sun Jan 25).
        let kept = live.map { ISO8601DateFormatter().string(from: $0.createdAt) }.sorted()
        #expect(
            kept == [
                "2026-01-25T02:30:00Z", "2026-02-01T02:30:00Z", "2026-02-08T02:30:00Z", "2026-02-12T02:30:00Z",
                "2026-02-13T02:30:00Z", "2026-02-14T02:30:00Z", "2026-02-15T02:30:00Z", "2026-02-16T02:30:00Z",
                "2026-02-17T02:30:00Z", "2026-02-17T14:30:00Z", "2026-02-18T02:30:00Z",
            ]
        )
    }

    @Test func theNewestVerifiedBackupIsNeverRemoved() {
        let strict = BackupPolicy(
            enabled: true,
            timeOfDay: "02:30",
            timeZone: "UTC",
            keepLast: 1,
            keepDailyDays: 0,
            keepWeeklyWeeks: 0
        )
        let candidates: [BackupRetention.Candidate] = [
            .init(id: 1, createdAt: self.start, verifiedOk: true),
            .init(id: 2, createdAt: self.start.addingTimeInterval(3600), verifiedOk: false),
            .init(id: 3, createdAt: self.start.addingTimeInterval(7200), verifiedOk: false),
        ]
        #expect(BackupRetention.keep(candidates, policy: strict, now: self.start.addingTimeInterval(86_400)) == [1, 3])
    }
}

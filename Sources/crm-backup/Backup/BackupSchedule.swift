import Foundation
import Shared

/// When the nightly backup is due.
enum BackupSchedule {
    /// Today's date ("YYYY-MM-DD" in the policy's zone) once the policy's time of day has passed.
    static func dueSlot(policy: BackupPolicy, now: Date) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: policy.timeZone) ?? TimeZone(identifier: "UTC")!
        guard let time = TimeOfDay(policy.timeOfDay) else { return nil }
        let today = calendar.dateComponents([.year, .month, .day], from: now)
        guard
            let slot = calendar.date(
                from: DateComponents(
                    year: today.year,
                    month: today.month,
                    day: today.day,
                    hour: time.hour,
                    minute: time.minute
                )
            ), now >= slot
        else { return nil }
        return String(format: "%04d-%02d-%02d", today.year!, today.month!, today.day!)
    }
}

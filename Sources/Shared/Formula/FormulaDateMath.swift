import Foundation

/// Calendar arithmetic for formulas, in the value's zone, with Moment.js's rules (which
/// Airtable uses): adding months clamps to the month's last day, differences truncate toward zero.
enum FormulaDateMath {
    static func calendar(_ zone: TimeZone) -> Calendar { ISO8601.calendar(zone) }

    /// `date` moved by `count` units; calendar units keep the wall-clock time across DST changes.
    static func add(_ date: FormulaDate, _ count: Double, _ unit: DateUnit, zone: TimeZone) -> FormulaDate? {
        var result = date
        if let seconds = unit.seconds {
            result.instant = date.instant.addingTimeInterval(count * seconds)
            result.hasTime = true
            return result
        }
        var whole = count.rounded(.toNearestOrAwayFromZero)
        if unit == .quarters { whole *= 3 }
        guard whole.magnitude < 1e6 else { return nil }
        let calendar = Self.calendar(date.calendarZone(zone))
        guard let moved = calendar.date(byAdding: unit.calendarComponent, value: Int(whole), to: date.instant) else {
            return nil
        }
        result.instant = moved
        return result
    }

    /// `first − second` in `unit`, truncated toward zero.
    static func difference(_ first: FormulaDate, _ second: FormulaDate, _ unit: DateUnit, zone: TimeZone) -> Double {
        let delta = first.instant.timeIntervalSince(second.instant)
        let value: Double
        switch unit {
        case .milliseconds, .seconds, .minutes, .hours:
            value = delta / unit.seconds!
        case .days, .weeks:
            let tz = first.calendarZone(zone)
            let shift = Double(tz.secondsFromGMT(for: first.instant) - tz.secondsFromGMT(for: second.instant))
            value = (delta + shift) / (unit == .days ? 86_400 : 604_800)
        case .months, .quarters, .years:
            let months = Self.monthDifference(first, second, zone: zone)
            value = unit == .months ? months : unit == .quarters ? months / 3 : months / 12
        }
        let truncated = NumericFunctions.snap(value).rounded(.towardZero)
        return truncated == 0 ? 0 : truncated
    }

    /// Months from `second` to `first`, with the fraction Moment.js computes between anchors.
    private static func monthDifference(_ first: FormulaDate, _ second: FormulaDate, zone: TimeZone) -> Double {
        let calendar = Self.calendar(first.calendarZone(zone))
        let a = calendar.dateComponents([.year, .month], from: first.instant)
        let b = calendar.dateComponents([.year, .month], from: second.instant)
        let whole = (b.year! - a.year!) * 12 + (b.month! - a.month!)
        func shifted(_ months: Int) -> Date { calendar.date(byAdding: .month, value: months, to: first.instant)! }
        let anchor = shifted(whole)
        let adjust: Double
        if second.instant < anchor {
            let previous = shifted(whole - 1)
            adjust = second.instant.timeIntervalSince(anchor) / anchor.timeIntervalSince(previous)
        } else {
            let next = shifted(whole + 1)
            adjust = second.instant.timeIntervalSince(anchor) / next.timeIntervalSince(anchor)
        }
        return -(Double(whole) + adjust)
    }

    /// The start of the `unit` that holds `date`, for `IS_SAME`.
    static func start(of unit: DateUnit, _ date: FormulaDate, zone: TimeZone) -> Date {
        let calendar = Self.calendar(date.calendarZone(zone))
        switch unit {
        case .milliseconds:
            return Date(timeIntervalSince1970: (date.instant.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        case .seconds, .minutes, .hours, .days, .months, .years:
            let components: Set<Calendar.Component> =
                switch unit {
                case .seconds: [.year, .month, .day, .hour, .minute, .second]
                case .minutes: [.year, .month, .day, .hour, .minute]
                case .hours: [.year, .month, .day, .hour]
                case .days: [.year, .month, .day]
                case .months: [.year, .month]
                default: [.year]
                }
            return calendar.date(from: calendar.dateComponents(components, from: date.instant)) ?? date.instant
        case .weeks:
            let day = calendar.startOfDay(for: date.instant)
            let weekday = calendar.component(.weekday, from: day) - 1
            return calendar.date(byAdding: .day, value: -weekday, to: day) ?? day
        case .quarters:
            let parts = calendar.dateComponents([.year, .month], from: date.instant)
            return calendar.date(from: DateComponents(year: parts.year, month: (parts.month! - 1) / 3 * 3 + 1))
                ?? date.instant
        }
    }

    /// Year, month, day, hour, minute, second, weekday (0 = Sunday) and day of year in the value's zone.
    static func components(_ date: FormulaDate, zone: TimeZone) -> DateComponents {
        Self.calendar(date.calendarZone(zone)).dateComponents(
            [
                .year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday, .dayOfYear, .weekOfYear,
                .yearForWeekOfYear,
            ],
            from: date.instant
        )
    }

    /// Midnight UTC of a civil day, as a date-only value.
    static func day(_ year: Int, _ month: Int, _ day: Int) -> FormulaDate {
        FormulaDate(
            Date(timeIntervalSince1970: TimeInterval(ISO8601.days(fromCivil: year, month, day) * 86_400)),
            hasTime: false
        )
    }

    /// The civil day a value falls on, in its zone, as a day number since 1970-01-01.
    static func dayNumber(_ date: FormulaDate, zone: TimeZone) -> Int {
        let parts = Self.calendar(date.calendarZone(zone)).dateComponents([.year, .month, .day], from: date.instant)
        return ISO8601.days(fromCivil: parts.year!, parts.month!, parts.day!)
    }
}

import Foundation

/// A unit for `DATEADD`, `DATETIME_DIFF` and `IS_SAME`. Abbreviations are case-sensitive
/// (`m` minutes, `M` months); long names are not.
public enum DateUnit: String, Sendable, CaseIterable {
    case milliseconds, seconds, minutes, hours, days, weeks, months, quarters, years

    public init?(name: String) {
        switch name {
        case "ms": self = .milliseconds
        case "s": self = .seconds
        case "m": self = .minutes
        case "h": self = .hours
        case "d": self = .days
        case "w": self = .weeks
        case "M": self = .months
        case "Q": self = .quarters
        case "y": self = .years
        default:
            var lower = name.trimmed.lowercased()
            if lower.hasSuffix("s") { lower.removeLast() }
            guard let unit = Self.allCases.first(where: { $0.rawValue.dropLast() == lower }) else { return nil }
            self = unit
        }
    }

    /// Length in seconds of the fixed-length units.
    var seconds: Double? {
        switch self {
        case .milliseconds: 0.001
        case .seconds: 1
        case .minutes: 60
        case .hours: 3600
        default: nil
        }
    }

    var calendarComponent: Calendar.Component {
        switch self {
        case .milliseconds: .nanosecond
        case .seconds: .second
        case .minutes: .minute
        case .hours: .hour
        case .days: .day
        case .weeks: .weekOfYear
        case .months, .quarters: .month
        case .years: .year
        }
    }
}

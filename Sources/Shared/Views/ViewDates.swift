import Foundation

/// Date values in filters: an exact `YYYY-MM-DD`, or `{"relative": …, "days"?}` resolved against
/// today in the team's time zone. Every value is a range of days; a single day is a range of one.
public struct ViewDates: Sendable {
    /// Days as `YYYY-MM-DD`, both ends included.
    public struct DayRange: Sendable, Equatable {
        public var first: String
        public var last: String
    }

    public static let relativeValues = [
        "today", "tomorrow", "yesterday", "days_ago", "days_from_now", "past_week", "past_month", "next_week",
        "next_month",
        "this_month",
    ]

    public let now: Date
    public let timeZone: TimeZone

    public init(now: Date, timeZone: TimeZone) {
        self.now = now
        self.timeZone = timeZone
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        return calendar
    }

    /// The range a filter value names, or a sentence saying what is wrong with it.
    public func range(_ value: JSONValue?) -> Result<DayRange, FieldProblem> {
        switch value {
        case .string(let text)?:
            guard let day = FieldValues.parseDate(text) else { return .failure(FieldProblem("A date is YYYY-MM-DD.")) }
            return .success(DayRange(first: day, last: day))
        case .object(let object)?:
            guard case .string(let relative)? = object["relative"], Self.relativeValues.contains(relative) else {
                return .failure(
                    FieldProblem("A relative date is one of: \(Self.relativeValues.joined(separator: ", ")).")
                )
            }
            var days = 0
            if relative == "days_ago" || relative == "days_from_now" {
                guard case .number(let number)? = object["days"], number == number.rounded(),
                    (0...36500).contains(number)
                else {
                    return .failure(FieldProblem("\(relative) needs \"days\": a whole number from 0 to 36500."))
                }
                days = Int(number)
            }
            return .success(self.resolve(relative, days: days))
        default:
            return .failure(FieldProblem("A date filter needs a value: YYYY-MM-DD or {\"relative\": …}."))
        }
    }

    func resolve(_ relative: String, days: Int) -> DayRange {
        let calendar = self.calendar
        let today = calendar.startOfDay(for: self.now)
        func day(_ offset: Int, _ unit: Calendar.Component = .day) -> String {
            Self.format(calendar.date(byAdding: unit, value: offset, to: today)!, calendar)
        }
        func single(_ text: String) -> DayRange { DayRange(first: text, last: text) }
        switch relative {
        case "tomorrow": return single(day(1))
        case "yesterday": return single(day(-1))
        case "days_ago": return single(day(-days))
        case "days_from_now": return single(day(days))
        case "past_week": return DayRange(first: day(-7), last: day(0))
        case "past_month": return DayRange(first: day(-1, .month), last: day(0))
        case "next_week": return DayRange(first: day(0), last: day(7))
        case "next_month": return DayRange(first: day(0), last: day(1, .month))
        case "this_month":
            let start = calendar.date(from: calendar.dateComponents([.year, .month], from: today))!
            let end = calendar.date(byAdding: DateComponents(month: 1, day: -1), to: start)!
            return DayRange(first: Self.format(start, calendar), last: Self.format(end, calendar))
        default: return single(day(0))
        }
    }

    /// The instant a day starts in the team's time zone.
    public func startOfDay(_ day: String) -> Date {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        return self.calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
    }

    /// The day after `day`.
    public func dayAfter(_ day: String) -> String {
        Self.format(self.calendar.date(byAdding: .day, value: 1, to: self.startOfDay(day))!, self.calendar)
    }

    /// The day an instant falls on in the team's time zone.
    public func day(of date: Date) -> String {
        Self.format(date, self.calendar)
    }

    static func format(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

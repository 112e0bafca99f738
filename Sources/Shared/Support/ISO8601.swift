import Foundation
import Synchronization

/// ISO 8601 date-times. The UTC form this program writes (`2026-03-31T14:30:00Z`) is read and
/// written by arithmetic, other forms with formatters made once: an ICU formatter costs tens of
/// microseconds to make and several to use, which dominated reading a 100,000-row import. Each
/// formatter is used under its own lock, as Foundation on Linux does not promise sharing is safe.
public enum ISO8601 {
    private static let plain = Mutex(ISO8601DateFormatter())
    private static let fractional = Mutex(
        {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter
        }()
    )
    private static let calendars = Mutex<[String: Calendar]>([:])

    /// `2026-03-31T14:30:00Z`, with an offset or fractional seconds; nil if it is not one.
    public static func date(_ text: String) -> Date? {
        if let instant = Self.utcDate(Array(text.utf8)) { return instant }
        return self.plain.withLock { $0.date(from: text) } ?? self.fractional.withLock { $0.date(from: text) }
    }

    /// `2026-03-31T14:30:00Z` (UTC, whole seconds).
    public static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.magnitude < 253_402_300_800 else { return self.plain.withLock { $0.string(from: date) } }
        let whole = Int(seconds)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let clock = whole - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        // Foundation's calendar is Julian before 15 October 1582; those (rare) dates go through it.
        guard year >= 1583 else { return self.plain.withLock { $0.string(from: date) } }
        return Self.day(year, month, day) + "T" + Self.two(clock / 3600) + ":" + Self.two(clock / 60 % 60) + ":"
            + Self.two(clock % 60) + "Z"
    }

    /// `YYYY-MM-DD` of numbers that may be out of range (`parseDate` checks them).
    static func day(_ year: Int, _ month: Int, _ day: Int) -> String {
        func padded(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return number < 0 ? digits : String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    private static func two(_ number: Int) -> String { number < 10 ? "0" + String(number) : String(number) }

    /// Exactly `YYYY-MM-DDTHH:MM:SSZ` (what `string` writes), read by arithmetic; nil otherwise.
    static func utcDate(_ bytes: [UInt8]) -> Date? {
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A,
            bytes[19] == 0x5A
        else { return nil }
        var digits: [Int] = []
        for index in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] {
            guard (0x30...0x39).contains(bytes[index]) else { return nil }
            digits.append(Int(bytes[index] - 0x30))
        }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let (month, day) = (digits[4] * 10 + digits[5], digits[6] * 10 + digits[7])
        let (hour, minute, second) = (
            digits[8] * 10 + digits[9], digits[10] * 10 + digits[11], digits[12] * 10 + digits[13]
        )
        guard year >= 1583, (1...12).contains(month), day >= 1, day <= Self.daysIn(month, year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// Days in `month` (1–12) of `year` in the proleptic Gregorian calendar.
    static func daysIn(_ month: Int, _ year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A Gregorian calendar in `zone`, made once per zone.
    public static func calendar(_ zone: TimeZone) -> Calendar {
        self.calendars.withLock { calendars in
            if let calendar = calendars[zone.identifier] { return calendar }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            calendars[zone.identifier] = calendar
            return calendar
        }
    }
}

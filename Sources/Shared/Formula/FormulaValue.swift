import Foundation

/// A value while a formula runs. Booleans behave as the numbers 1 and 0, as in Airtable.
public enum FormulaValue: Sendable, Equatable {
    case blank
    case number(Double)
    case text(String)
    case boolean(Bool)
    case date(FormulaDate)
    /// Multi-selects, links and lookups.
    case array([FormulaValue])
    case error(FormulaFault)

    /// True when the value is blank or an empty text or array: what `IF({Field}, …)` tests.
    public var isEmpty: Bool {
        switch self {
        case .blank: true
        case .text(let text): text.isEmpty
        case .array(let items): items.allSatisfy(\.isEmpty)
        default: false
        }
    }

    public var fault: FormulaFault? {
        if case .error(let fault) = self { return fault }
        return nil
    }
}

/// An error a cell holds: `#ERROR!`, `NaN` or `Infinity`, with the reason for the user.
public struct FormulaFault: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case error = "#ERROR!"
        case notANumber = "NaN"
        case infinity = "Infinity"
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind = .error, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// What the cell shows.
    public var display: String { self.kind.rawValue }
}

/// A date, or a date and time. Date-only values are midnight UTC of their day; calendar
/// arithmetic on a date-time uses its zone (from `SET_TIMEZONE`, else the team's).
public struct FormulaDate: Sendable, Equatable {
    public var instant: Date
    public var hasTime: Bool
    /// Set by `SET_TIMEZONE`.
    public var zone: TimeZone?
    /// Set by `SET_LOCALE`.
    public var locale: String?

    public init(_ instant: Date, hasTime: Bool, zone: TimeZone? = nil, locale: String? = nil) {
        self.instant = instant
        self.hasTime = hasTime
        self.zone = zone
        self.locale = locale
    }

    /// The day `YYYY-MM-DD` as a date-only value.
    public static func day(_ text: String) -> FormulaDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= ISO8601.daysIn(month, year)
        else { return nil }
        return FormulaDate(
            Date(timeIntervalSince1970: TimeInterval(ISO8601.days(fromCivil: year, month, day) * 86_400)),
            hasTime: false
        )
    }

    /// The zone calendar arithmetic and formatting use.
    func calendarZone(_ fallback: TimeZone) -> TimeZone {
        self.hasTime ? (self.zone ?? fallback) : TimeZone(identifier: "UTC")!
    }

    /// `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC) for a date-time: how a date
    /// reads when a formula turns it into text, and how its result is stored.
    public var isoText: String {
        let milliseconds = (self.instant.timeIntervalSince1970 * 1000).rounded()
        let seconds = Int((milliseconds / 1000).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = ISO8601.civil(fromDays: days)
        let date = ISO8601.day(year, month, day)
        guard self.hasTime else { return date }
        let clock = seconds - days * 86_400
        let millis = Int(milliseconds) - seconds * 1000
        func pad(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return date + "T" + pad(clock / 3600, 2) + ":" + pad(clock / 60 % 60, 2) + ":" + pad(clock % 60, 2) + "."
            + pad(millis, 3) + "Z"
    }
}

extension FormulaValue {
    /// The static type of a value, for checks and for the field's result type.
    var type: FormulaType {
        switch self {
        case .blank: .blank
        case .number: .number
        case .text: .text
        case .boolean: .boolean
        case .date(let date): date.hasTime ? .datetime : .date
        case .array: .array
        case .error: .any
        }
    }
}

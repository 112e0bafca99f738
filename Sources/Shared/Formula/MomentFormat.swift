import Foundation
import Synchronization

/// Moment.js format strings, which `DATETIME_FORMAT` and `DATETIME_PARSE` take (`YYYY-MM-DD`,
/// `MMMM D, YYYY h:mm A`, `[literal text]`, `LL`…). Names of months and weekdays come from the
/// value's locale (`SET_LOCALE`), English by default.
enum MomentFormat {
    enum Piece: Equatable {
        case token(String)
        case literal(String)
    }

    private static let tokens = [
        "YYYY", "YY", "Y", "Q", "MMMM", "MMM", "MM", "Mo", "M", "DDDD", "DDD", "Do", "DD", "D", "dddd", "ddd", "dd",
        "do", "d",
        "E", "e", "HH", "H", "hh", "h", "kk", "k", "mm", "m", "ss", "s", "SSS", "SS", "S", "A", "a", "ZZ", "Z", "X",
        "x",
        "WW", "Wo", "W", "ww", "wo", "w", "LTS", "LT", "LLLL", "LLL", "LL", "L", "llll", "lll", "ll", "l",
    ]

    private static let longFormats = [
        "LTS": "h:mm:ss A", "LT": "h:mm A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY", "LLL": "MMMM D, YYYY h:mm A",
        "LLLL": "dddd, MMMM D, YYYY h:mm A", "l": "M/D/YYYY", "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A",
        "llll": "ddd, MMM D, YYYY h:mm A",
    ]

    /// The pieces of a format string, long formats (`LL`) expanded. Linear in the format's
    /// length: literal text is gathered in one buffer, and a `[` is only matched with a `]` when
    /// one follows somewhere.
    static func pieces(_ format: String) -> [Piece] {
        var pieces: [Piece] = []
        var pending = ""
        func flush() {
            if !pending.isEmpty { pieces.append(.literal(pending)) }
            pending = ""
        }
        let lastClose = format.lastIndex(of: "]")
        var rest = Substring(format)
        while !rest.isEmpty {
            if rest.first == "[", let lastClose, rest.startIndex < lastClose, let close = rest.firstIndex(of: "]") {
                pending += rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else if let token = Self.tokens.first(where: { rest.hasPrefix($0) }) {
                if let expanded = Self.longFormats[token] {
                    for piece in Self.pieces(expanded) {
                        switch piece {
                        case .literal(let text): pending += text
                        case .token:
                            flush()
                            pieces.append(piece)
                        }
                    }
                } else {
                    flush()
                    pieces.append(.token(token))
                }
                rest = rest.dropFirst(token.count)
            } else {
                pending.append(rest.first!)
                rest = rest.dropFirst()
            }
        }
        flush()
        return pieces
    }

    struct Names {
        var months: [String]
        var shortMonths: [String]
        var weekdays: [String]
        var shortWeekdays: [String]
        var minWeekdays: [String]
    }

    private static let namesCache = Mutex<[String: Names]>([:])

    static func names(_ locale: String?) -> Names {
        let identifier = locale ?? "en"
        return self.namesCache.withLock { cache in
            if let names = cache[identifier] { return names }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: identifier)
            let names = Names(
                months: formatter.standaloneMonthSymbols,
                shortMonths: formatter.shortStandaloneMonthSymbols,
                weekdays: formatter.standaloneWeekdaySymbols,
                shortWeekdays: formatter.shortStandaloneWeekdaySymbols,
                minWeekdays: formatter.veryShortStandaloneWeekdaySymbols.indices.map { index in
                    String(formatter.shortStandaloneWeekdaySymbols[index].prefix(2))
                }
            )
            cache[identifier] = names
            return names
        }
    }

    /// `date` written with `format` in `zone`.
    static func format(_ date: FormulaDate, _ format: String, zone: TimeZone) -> String {
        let tz = date.calendarZone(zone)
        let parts = FormulaDateMath.components(date, zone: zone)
        let names = Self.names(date.locale)
        let (year, month, day, hour, minute, second) = (
            parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!
        )
        let weekday = parts.weekday! - 1
        let milliseconds =
            Int((date.instant.timeIntervalSince1970 * 1000).rounded()) - Int(
                (date.instant.timeIntervalSince1970).rounded(.down)
            ) * 1000
        func pad(_ number: Int, _ width: Int) -> String {
            let digits = String(abs(number))
            return (number < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        func offset(_ separator: String) -> String {
            let seconds = tz.secondsFromGMT(for: date.instant)
            return (seconds < 0 ? "-" : "+") + pad(abs(seconds) / 3600, 2) + separator + pad(abs(seconds) / 60 % 60, 2)
        }
        let isoWeek = Self.isoWeek(year: year, month: month, day: day)
        let localeWeek = parts.weekOfYear ?? 1
        var result = ""
        for piece in Self.pieces(format) {
            guard case .token(let token) = piece else {
                if case .literal(let text) = piece { result += text }
                continue
            }
            switch token {
            case "YYYY", "Y": result += pad(year, 4)
            case "YY": result += pad(year % 100, 2)
            case "Q": result += String((month - 1) / 3 + 1)
            case "M": result += String(month)
            case "Mo": result += Self.ordinal(month)
            case "MM": result += pad(month, 2)
            case "MMM": result += names.shortMonths[month - 1]
            case "MMMM": result += names.months[month - 1]
            case "D": result += String(day)
            case "Do": result += Self.ordinal(day)
            case "DD": result += pad(day, 2)
            case "DDD": result += String(parts.dayOfYear!)
            case "DDDD": result += pad(parts.dayOfYear!, 3)
            case "d", "e": result += String(weekday)
            case "do": result += Self.ordinal(weekday)
            case "E": result += String(weekday == 0 ? 7 : weekday)
            case "dd": result += names.minWeekdays[weekday]
            case "ddd": result += names.shortWeekdays[weekday]
            case "dddd": result += names.weekdays[weekday]
            case "H": result += String(hour)
            case "HH": result += pad(hour, 2)
            case "h": result += String(hour % 12 == 0 ? 12 : hour % 12)
            case "hh": result += pad(hour % 12 == 0 ? 12 : hour % 12, 2)
            case "k": result += String(hour == 0 ? 24 : hour)
            case "kk": result += pad(hour == 0 ? 24 : hour, 2)
            case "m": result += String(minute)
            case "mm": result += pad(minute, 2)
            case "s": result += String(second)
            case "ss": result += pad(second, 2)
            case "S": result += String(milliseconds / 100)
            case "SS": result += pad(milliseconds / 10, 2)
            case "SSS": result += pad(milliseconds, 3)
            case "a": result += hour < 12 ? "am" : "pm"
            case "A": result += hour < 12 ? "AM" : "PM"
            case "Z": result += offset(":")
            case "ZZ": result += offset("")
            case "X": result += String(Int(date.instant.timeIntervalSince1970.rounded(.down)))
            case "x": result += String(Int((date.instant.timeIntervalSince1970 * 1000).rounded()))
            case "W": result += String(isoWeek)
            case "WW": result += pad(isoWeek, 2)
            case "Wo": result += Self.ordinal(isoWeek)
            case "w": result += String(localeWeek)
            case "ww": result += pad(localeWeek, 2)
            case "wo": result += Self.ordinal(localeWeek)
            default: result += token
            }
        }
        return result
    }

    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return String(number) + suffix
    }

    /// The ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
    static func isoWeek(year: Int, month: Int, day: Int) -> Int {
        let days = ISO8601.days(fromCivil: year, month, day)
        let weekday = ((days % 7) + 7 + 3) % 7  // 0 = Monday
        let thursday = days - weekday + 3
        let (thursdayYear, _, _) = ISO8601.civil(fromDays: thursday)
        let firstDay = ISO8601.days(fromCivil: thursdayYear, 1, 1)
        return (thursday - firstDay) / 7 + 1
    }
}

import Foundation

/// Reads dates written as text: with a Moment.js format (`DATETIME_PARSE(text, format)`) or, with
/// none, in the forms people type: ISO 8601, `M/D/YYYY`, `D MMMM YYYY`, `MMMM D, YYYY`, each
/// optionally followed by a time. A time without an offset is read in `zone`.
enum MomentParse {
    private static let guesses = [
        "YYYY-MM-DD", "YYYY-MM-DD HH:mm", "YYYY-MM-DD HH:mm:ss", "YYYY-MM-DD HH:mm:ss.SSS",
        "M/D/YYYY", "M/D/YYYY H:mm", "M/D/YYYY h:mm A", "M/D/YYYY H:mm:ss", "M/D/YYYY h:mm:ss A",
        "YYYY/M/D", "YYYY/M/D H:mm", "D MMMM YYYY", "D MMM YYYY", "MMMM D, YYYY", "MMM D, YYYY", "MMMM D YYYY",
        "MMMM D, YYYY h:mm A", "MMM D, YYYY h:mm A", "D MMMM YYYY H:mm",
    ]

    /// The date `text` names, or nil. `YYYY-MM-DD` alone gives a date without a time.
    static func guess(_ text: String, zone: TimeZone, now: Date) -> FormulaDate? {
        let trimmed = text.trimmed
        if let day = FormulaDate.day(trimmed) { return day }
        if trimmed.contains("T"), let instant = ISO8601.date(trimmed) { return FormulaDate(instant, hasTime: true) }
        let normalized = trimmed.replacingOccurrences(of: "T", with: " ")
        for format in Self.guesses {
            if let date = Self.parse(normalized, format: format, locale: nil, zone: zone, now: now, strict: true) {
                return format.contains("H") || format.contains("h") ? date : FormulaDate(date.instant, hasTime: false)
            }
        }
        return nil
    }

    /// `text` read with `format`; separators in the format match any run of non-alphanumerics.
    static func parse(
        _ text: String,
        format: String,
        locale: String?,
        zone: TimeZone,
        now: Date,
        strict: Bool = false
    ) -> FormulaDate? {
        let input = Array(text.unicodeScalars)
        var position = 0
        var year: Int?
        var month: Int?
        var day: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var millisecond = 0
        var pm: Bool?
        var offset: Int?
        var unix: Double?
        let names = MomentFormat.names(locale)

        func skipSeparators() {
            while position < input.count, !input[position].properties.isAlphabetic,
                !("0"..."9").contains(input[position])
            {
                position += 1
            }
        }
        func digits(_ minimum: Int, _ maximum: Int) -> Int? {
            var end = position
            while end < input.count, end - position < maximum, ("0"..."9").contains(input[end]) { end += 1 }
            guard end - position >= minimum else { return nil }
            let value = Int(String(String.UnicodeScalarView(input[position..<end])))
            position = end
            return value
        }
        func word(_ choices: [String]) -> Int? {
            // Names are short: looking at more of the input would make a long format quadratic.
            let longest = choices.map(\.unicodeScalars.count).max() ?? 0
            let rest = String(String.UnicodeScalarView(input[position..<min(input.count, position + longest + 1)]))
                .lowercased()
            let ranked = choices.enumerated().sorted { $0.element.count > $1.element.count }
            for (index, choice) in ranked
            where !choice.isEmpty && rest.hasPrefix(choice.lowercased().replacingOccurrences(of: ".", with: "")) {
                position += choice.replacingOccurrences(of: ".", with: "").unicodeScalars.count
                if position < input.count, input[position] == "." { position += 1 }
                return index
            }
            return nil
        }

        for piece in MomentFormat.pieces(format) {
            switch piece {
            case .literal(let literal):
                let expected = Array(literal.unicodeScalars)
                if expected.allSatisfy({ !$0.properties.isAlphabetic && !("0"..."9").contains($0) }) {
                    skipSeparators()
                } else if input[position...].starts(with: expected) {
                    position += expected.count
                } else if strict {
                    return nil
                }
            case .token(let token):
                if token != "Z" && token != "ZZ" { skipSeparators() }
                switch token {
                case "YYYY", "Y":
                    guard let value = digits(4, 4) else { return nil }
                    year = value
                case "YY":
                    guard let value = digits(2, 2) else { return nil }
                    year = value + (value > 68 ? 1900 : 2000)
                case "M", "MM":
                    guard let value = digits(1, 2) else { return nil }
                    month = value
                case "MMM", "MMMM":
                    guard let index = word(names.months) ?? word(names.shortMonths) else { return nil }
                    month = index + 1
                case "D", "DD":
                    guard let value = digits(1, 2) else { return nil }
                    day = value
                case "Do":
                    guard let value = digits(1, 2) else { return nil }
                    day = value
                    _ = word(["st", "nd", "rd", "th"])
                case "H", "HH", "h", "hh", "k", "kk":
                    guard let value = digits(1, 2) else { return nil }
                    hour = value
                case "m", "mm":
                    guard let value = digits(1, 2) else { return nil }
                    minute = value
                case "s", "ss":
                    guard let value = digits(1, 2) else { return nil }
                    second = value
                case "S", "SS", "SSS":
                    let start = position
                    guard let value = digits(1, 9) else { return nil }
                    millisecond = Int(Double(value) / pow(10, Double(position - start - 3)))
                case "a", "A":
                    guard let index = word(["am", "pm", "a.m.", "p.m."]) else { return nil }
                    pm = index % 2 == 1
                case "dd", "ddd", "dddd":
                    guard word(names.weekdays) ?? word(names.shortWeekdays) ?? word(names.minWeekdays) != nil else {
                        return nil
                    }
                case "Z", "ZZ":
                    while position < input.count, input[position] == " " { position += 1 }
                    if position < input.count, input[position] == "Z" {
                        position += 1
                        offset = 0
                    } else if position < input.count, input[position] == "+" || input[position] == "-" {
                        let sign = input[position] == "-" ? -1 : 1
                        position += 1
                        guard let hours = digits(2, 2) else { return nil }
                        if position < input.count, input[position] == ":" { position += 1 }
                        let minutes = digits(2, 2) ?? 0
                        offset = sign * (hours * 3600 + minutes * 60)
                    } else {
                        return nil
                    }
                case "X", "x":
                    var end = position
                    while end < input.count, ("0"..."9").contains(input[end]) || input[end] == "." || input[end] == "-"
                    { end += 1 }
                    guard let value = Double(String(String.UnicodeScalarView(input[position..<end]))) else {
                        return nil
                    }
                    position = end
                    unix = token == "X" ? value : value / 1000
                default:
                    _ = digits(1, 4)
                }
            }
        }
        skipSeparators()
        if strict, position < input.count { return nil }
        if let unix { return FormulaDate(Date(timeIntervalSince1970: unix), hasTime: true) }
        if let pm {
            if pm, hour < 12 { hour += 12 }
            if !pm, hour == 12 { hour = 0 }
        }
        let calendar = ISO8601.calendar(zone)
        if year == nil, month == nil, day == nil {
            let today = calendar.dateComponents([.year, .month, .day], from: now)
            (year, month, day) = (today.year, today.month, today.day)
        }
        let (y, mo, d) = (year ?? calendar.component(.year, from: now), month ?? 1, day ?? 1)
        guard (1...12).contains(mo), d >= 1, d <= ISO8601.daysIn(mo, y), hour < 25, minute < 60, second < 61 else {
            return nil
        }
        let local =
            Double(ISO8601.days(fromCivil: y, mo, d) * 86_400 + hour * 3600 + minute * 60 + second) + Double(
                millisecond
            ) / 1000
        if let offset { return FormulaDate(Date(timeIntervalSince1970: local - Double(offset)), hasTime: true) }
        let guessInstant = Date(timeIntervalSince1970: local)
        let shift = zone.secondsFromGMT(
            for: guessInstant.addingTimeInterval(-Double(zone.secondsFromGMT(for: guessInstant)))
        )
        return FormulaDate(Date(timeIntervalSince1970: local - Double(shift)), hasTime: true)
    }
}

import Foundation

/// Date and time functions. A blank date gives a blank result; text is read as a date.
enum DateFunctions {
    static let list: [FormulaFunction] = [
        FormulaFunction(
            "DATEADD(date, count, unit)",
            3...3,
            [.date, .number, .unit],
            result: { types in
                types[0] == .date ? .date : .datetime
            }
        ) { evaluator, values throws(FormulaFault) in
            guard let date = try evaluator.date(values[0]) else { return .blank }
            if values[1].isEmpty { return .date(date) }
            let unit = try evaluator.unit(values[2], default: .days)
            guard let moved = FormulaDateMath.add(date, try values[1].requireNumber(), unit, zone: evaluator.zone)
            else {
                throw FormulaFault(.error, "The date would be out of range.")
            }
            return .date(moved)
        },
        component("DATESTR(date)", returns: .text) { date, evaluator in
            .text(MomentFormat.format(date, "YYYY-MM-DD", zone: evaluator.zone))
        },
        FormulaFunction("DATETIME_DIFF(date1, date2, [unit])", 2...3, [.date, .date, .unit], returns: .number) {
            evaluator,
            values throws(FormulaFault) in
            guard let first = try evaluator.date(values[0]), let second = try evaluator.date(values[1]) else {
                return .blank
            }
            let unit = try evaluator.unit(values.count > 2 ? values[2] : nil, default: .seconds)
            return .number(FormulaDateMath.difference(first, second, unit, zone: evaluator.zone))
        },
        FormulaFunction("DATETIME_FORMAT(date, [format])", 1...2, [.date, .text], returns: .text) {
            evaluator,
            values throws(FormulaFault) in
            guard let date = try evaluator.date(values[0]) else { return .blank }
            guard values.count > 1, !values[1].isEmpty else {
                return .text(
                    date.zone == nil
                        ? date.isoText : MomentFormat.format(date, "YYYY-MM-DDTHH:mm:ssZ", zone: evaluator.zone)
                )
            }
            return .text(MomentFormat.format(date, values[1].text, zone: evaluator.zone))
        },
        FormulaFunction("DATETIME_PARSE(text, [format], [locale])", 1...3, [.text, .text, .text], returns: .datetime) {
            evaluator,
            values throws(FormulaFault) in
            if case .date(let date) = values[0] { return .date(date) }
            let text = values[0].text
            guard !text.trimmed.isEmpty else { return .blank }
            let format = values.count > 1 && !values[1].isEmpty ? values[1].text : nil
            let locale = values.count > 2 && !values[2].isEmpty ? values[2].text : nil
            let parsed =
                if let format {
                    MomentParse.parse(
                        text,
                        format: format,
                        locale: locale,
                        zone: evaluator.zone,
                        now: evaluator.context.now
                    )
                } else {
                    MomentParse.guess(text, zone: evaluator.zone, now: evaluator.context.now)
                }
            guard var date = parsed else {
                throw FormulaFault(
                    .error,
                    "“\(FormulaValue.short(text))” does not read as a date\(format.map { " in the form \($0)" } ?? "")."
                )
            }
            date.hasTime = true
            return .date(date)
        },
        component("DAY(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).day!))
        },
        component("HOUR(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).hour!))
        },
        component("MINUTE(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).minute!))
        },
        component("SECOND(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).second!))
        },
        component("MONTH(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).month!))
        },
        component("YEAR(date)") { date, evaluator in
            .number(Double(FormulaDateMath.components(date, zone: evaluator.zone).year!))
        },
        FormulaFunction("NOW()", 0...0, returns: .datetime) { evaluator, _ throws(FormulaFault) in
            .date(FormulaDate(evaluator.context.now, hasTime: true))
        },
        FormulaFunction("TODAY()", 0...0, returns: .date) { evaluator, _ throws(FormulaFault) in
            .date(Self.today(evaluator))
        },
        component("TONOW(date)") { date, evaluator in
            .number(
                FormulaDateMath.difference(
                    FormulaDate(evaluator.context.now, hasTime: true, zone: date.zone),
                    date,
                    .days,
                    zone: evaluator.zone
                )
            )
        },
        component("FROMNOW(date)") { date, evaluator in
            .number(
                FormulaDateMath.difference(
                    date,
                    FormulaDate(evaluator.context.now, hasTime: true, zone: date.zone),
                    .days,
                    zone: evaluator.zone
                )
            )
        },
        FormulaFunction("IS_AFTER(date1, date2)", 2...2, [.date, .date], returns: .boolean) {
            evaluator,
            values throws(FormulaFault) in
            guard let first = try evaluator.date(values[0]), let second = try evaluator.date(values[1]) else {
                return .boolean(false)
            }
            return .boolean(first.instant > second.instant)
        },
        FormulaFunction("IS_BEFORE(date1, date2)", 2...2, [.date, .date], returns: .boolean) {
            evaluator,
            values throws(FormulaFault) in
            guard let first = try evaluator.date(values[0]), let second = try evaluator.date(values[1]) else {
                return .boolean(false)
            }
            return .boolean(first.instant < second.instant)
        },
        FormulaFunction("IS_SAME(date1, date2, [unit])", 2...3, [.date, .date, .unit], returns: .boolean) {
            evaluator,
            values throws(FormulaFault) in
            guard let first = try evaluator.date(values[0]), let second = try evaluator.date(values[1]) else {
                return .boolean(false)
            }
            guard values.count > 2, !values[2].isEmpty else { return .boolean(first.instant == second.instant) }
            let unit = try evaluator.unit(values[2], default: .milliseconds)
            var other = second
            other.zone = first.zone
            return .boolean(
                FormulaDateMath.start(of: unit, first, zone: evaluator.zone)
                    == FormulaDateMath.start(of: unit, other, zone: evaluator.zone)
            )
        },
        FormulaFunction("SET_LOCALE(date, locale)", 2...2, [.date, .text], result: { types in types[0] }) {
            evaluator,
            values throws(FormulaFault) in
            guard var date = try evaluator.date(values[0]) else { return .blank }
            date.locale = values[1].text.trimmed.isEmpty ? nil : values[1].text.trimmed
            return .date(date)
        },
        FormulaFunction("SET_TIMEZONE(date, time zone)", 2...2, [.date, .timeZone], returns: .datetime) {
            evaluator,
            values throws(FormulaFault) in
            guard var date = try evaluator.date(values[0]) else { return .blank }
            date.zone = try Self.timeZone(values[1].text)
            date.hasTime = true
            return .date(date)
        },
        component("TIMESTR(date)", returns: .text) { date, evaluator in
            .text(MomentFormat.format(date, "HH:mm:ss", zone: evaluator.zone))
        },
        FormulaFunction("WEEKDAY(date, [start day])", 1...2, [.date, .text], returns: .number) {
            evaluator,
            values throws(FormulaFault) in
            guard let date = try evaluator.date(values[0]) else { return .blank }
            let start = try Self.startDay(values.count > 1 ? values[1] : nil)
            let weekday = FormulaDateMath.components(date, zone: evaluator.zone).weekday! - 1
            return .number(Double((weekday - start + 7) % 7))
        },
        FormulaFunction("WEEKNUM(date, [start day])", 1...2, [.date, .text], returns: .number) {
            evaluator,
            values throws(FormulaFault) in
            guard let date = try evaluator.date(values[0]) else { return .blank }
            let start = try Self.startDay(values.count > 1 ? values[1] : nil)
            let parts = FormulaDateMath.components(date, zone: evaluator.zone)
            let januaryFirst = ISO8601.days(fromCivil: parts.year!, 1, 1)
            let firstWeekday = Self.weekday(ofDay: januaryFirst)
            let offset = (firstWeekday - start + 7) % 7
            return .number(Double((parts.dayOfYear! - 1 + offset) / 7 + 1))
        },
        FormulaFunction("WORKDAY(start date, days, [holidays])", 2...3, [.date, .number, .text], returns: .date) {
            evaluator,
            values throws(FormulaFault) in
            guard let start = try evaluator.date(values[0]) else { return .blank }
            let count = try values[1].requireInteger()
            let holidays = try Self.holidays(values.count > 2 ? values[2] : nil)
            guard evaluator.spend(abs(count) * 7 / 5 + 8) else { throw evaluator.stopFault }
            var day = FormulaDateMath.dayNumber(start, zone: evaluator.zone)
            var remaining = abs(count)
            let step = count < 0 ? -1 : 1
            while remaining > 0 {
                day += step
                if Self.isWorkday(day, holidays) { remaining -= 1 }
            }
            let (year, month, dayOfMonth) = ISO8601.civil(fromDays: day)
            return .date(FormulaDateMath.day(year, month, dayOfMonth))
        },
        FormulaFunction(
            "WORKDAY_DIFF(start date, end date, [holidays])",
            2...3,
            [.date, .date, .text],
            returns: .number
        ) { evaluator, values throws(FormulaFault) in
            guard let start = try evaluator.date(values[0]), let end = try evaluator.date(values[1]) else {
                return .blank
            }
            let holidays = try Self.holidays(values.count > 2 ? values[2] : nil)
            let (first, last) = (
                FormulaDateMath.dayNumber(start, zone: evaluator.zone),
                FormulaDateMath.dayNumber(end, zone: evaluator.zone)
            )
            let (low, high) = (min(first, last), max(first, last))
            guard evaluator.spend((high - low) / 8 + 1) else { throw evaluator.stopFault }
            let count = (low...high).filter { Self.isWorkday($0, holidays) }.count
            return .number(Double(first <= last ? count : -count))
        },
    ]

    /// A function of one date giving a number (or `type`); blank in, blank out.
    private static func component(
        _ signature: String,
        returns type: FormulaType = .number,
        _ body: @escaping @Sendable (FormulaDate, FormulaEvaluator) throws(FormulaFault) -> FormulaValue
    ) -> FormulaFunction {
        FormulaFunction(signature, 1...1, [.date], returns: type) { evaluator, values throws(FormulaFault) in
            guard let date = try evaluator.date(values[0]) else { return .blank }
            return try body(date, evaluator)
        }
    }

    static func today(_ evaluator: FormulaEvaluator) -> FormulaDate {
        let parts = ISO8601.calendar(evaluator.zone).dateComponents([.year, .month, .day], from: evaluator.context.now)
        return FormulaDateMath.day(parts.year!, parts.month!, parts.day!)
    }

    static func timeZone(_ name: String) throws(FormulaFault) -> TimeZone {
        guard let zone = TimeZone(identifier: name.trimmed), !name.trimmed.isEmpty else {
            throw FormulaFault(
                .error,
                "“\(FormulaValue.short(name))” is not a time zone; write one such as America/New_York."
            )
        }
        return zone
    }

    /// 0 for Sunday (the default), 1 for Monday.
    static func startDay(_ value: FormulaValue?) throws(FormulaFault) -> Int {
        guard let value, !value.isEmpty else { return 0 }
        switch value.text.trimmed.lowercased() {
        case "sunday": return 0
        case "monday": return 1
        default: throw FormulaFault(.error, "The week can start on \"Sunday\" or \"Monday\", not “\(value.text)”.")
        }
    }

    /// Days (since 1970-01-01) listed as comma-separated ISO dates.
    static func holidays(_ value: FormulaValue?) throws(FormulaFault) -> Set<Int> {
        guard let value, !value.isEmpty else { return [] }
        var days: Set<Int> = []
        for item in value.flattened {
            if case .date(let date) = item {
                days.insert(FormulaDateMath.dayNumber(date, zone: TimeZone(identifier: "UTC")!))
                continue
            }
            for part in item.text.split(separator: ",") where !part.trimmed.isEmpty {
                guard let day = FormulaDate.day(part.trimmed) else {
                    throw FormulaFault(
                        .error,
                        "Holidays are written as dates like 2026-12-25, separated by commas; “\(part.trimmed)” is not one."
                    )
                }
                days.insert(Int(day.instant.timeIntervalSince1970 / 86_400))
            }
        }
        return days
    }

    static func isWorkday(_ day: Int, _ holidays: Set<Int>) -> Bool {
        let weekday = Self.weekday(ofDay: day)
        return weekday != 0 && weekday != 6 && !holidays.contains(day)
    }

    /// 0 = Sunday … 6 = Saturday for a day counted from 1970-01-01 (a Thursday).
    static func weekday(ofDay day: Int) -> Int { ((day % 7) + 7 + 4) % 7 }
}

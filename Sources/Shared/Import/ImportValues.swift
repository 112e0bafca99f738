import Foundation

/// Reads the display strings Airtable writes into CSV cells (docs/DECISIONS.md, "What an Airtable export looks like"; "How each field
/// type is written") as the API's canonical values, and infers a column's field type.
public enum ImportValues {
    /// Whether `3/4/2024` means March 4 or 3 April. Decided per column from all its values.
    public enum DateOrder: String, Sendable, Equatable, Codable {
        case monthFirst = "month_first"
        case dayFirst = "day_first"
    }

    /// What a column's values say about their type.
    public struct Inference: Sendable, Equatable {
        public var type: FieldType
        /// For dates: the order the values prove, or nil when every value reads both ways.
        public var dateOrder: DateOrder?
        /// For a select: its distinct items, in first-seen order.
        public var choices: [String]
    }

    // MARK: Reading one cell

    /// The canonical value of `text` for a field of `type`; a blank cell is `null` (a checkbox: false).
    public static func value(
        _ raw: String,
        as type: FieldType,
        dateOrder: DateOrder?,
        timeZone: TimeZone
    ) -> Result<JSONValue, FieldProblem> {
        let text = raw.trimmed
        if text.isEmpty {
            return .success(type == .checkbox ? .bool(false) : type == .multiSelect ? .array([]) : .null)
        }
        switch type {
        case .number, .rating:
            guard let number = Self.number(text) else { return .failure(FieldProblem("\"\(raw)\" is not a number.")) }
            return .success(.number(number))
        case .currency:
            guard let number = Self.currency(text) else {
                return .failure(FieldProblem("\"\(raw)\" is not an amount."))
            }
            return .success(.number(number))
        case .percent:
            guard let number = Self.percent(text) else {
                return .failure(FieldProblem("\"\(raw)\" is not a percentage."))
            }
            return .success(.number(number))
        case .checkbox:
            guard let flag = Self.checkbox(text) else {
                return .failure(FieldProblem("\"\(raw)\" is not checked or empty."))
            }
            return .success(.bool(flag))
        case .date:
            guard let day = Self.date(text, order: dateOrder) else {
                return .failure(
                    FieldProblem(
                        dateOrder == nil && Self.slashParts(text) != nil
                            ? "\"\(raw)\" reads as two dates: choose day-first or month-first for this column."
                            : "\"\(raw)\" is not a date."
                    )
                )
            }
            return .success(.string(day))
        case .datetime:
            guard let instant = Self.dateTime(text, order: dateOrder, timeZone: timeZone) else {
                return .failure(FieldProblem("\"\(raw)\" is not a date and time."))
            }
            return .success(.string(FieldValues.formatDateTime(instant)))
        case .multiSelect:
            return .success(.array(CSVParser.items(raw).map { .string($0) }))
        default:
            return .success(.string(raw))
        }
    }

    static func number(_ text: String) -> Double? {
        let plain = String(text.filter { $0 != "," })
        guard !plain.isEmpty,
            plain.allSatisfy({
                $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E")
            }),
            let number = Double(plain), number.isFinite
        else { return nil }
        return number
    }

    static let currencySymbols: Set<Character> = ["$", "€", "£", "¥", "₪", "₹", "₩", "₣", "₽", "¢"]

    /// The currency the amounts are written in: the first symbol or ISO code seen, else USD.
    static func currencyCode(_ values: [String]) -> String {
        let codes: [Character: String] = [
            "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₪": "ILS", "₹": "INR", "₩": "KRW", "₽": "RUB",
        ]
        for value in values {
            if let symbol = value.first(where: { codes[$0] != nil }) { return codes[symbol]! }
            let words = value.split(separator: " ").map(String.init)
            if let code = words.first(where: { $0.count == 3 && $0.allSatisfy({ $0.isASCII && $0.isUppercase }) }) {
                return code
            }
        }
        return "USD"
    }

    /// `$180.00`, `$1,234.56`, `-$5`, `₪6000000`, `CHF 12.50`, `1,000 USD`.
    static func currency(_ text: String) -> Double? {
        var body = text
        var negative = false
        if body.hasPrefix("-") {
            negative = true
            body.removeFirst()
        }
        if body.hasPrefix("("), body.hasSuffix(")") {
            negative = true
            body = String(body.dropFirst().dropLast())
        }
        body = body.trimmed
        while let first = body.first, Self.currencySymbols.contains(first) { body.removeFirst() }
        while let last = body.last, Self.currencySymbols.contains(last) { body.removeLast() }
        let parts = body.split(separator: " ")
        if parts.count == 2 {
            if parts[0].count == 3, parts[0].allSatisfy(\.isUppercase) {
                body = String(parts[1])
            } else if parts[1].count == 3, parts[1].allSatisfy(\.isUppercase) {
                body = String(parts[0])
            }
        }
        if body.hasPrefix("-") && !negative {
            negative = true
            body.removeFirst()
        }
        guard let number = Self.number(body.trimmed) else { return nil }
        return negative ? -number : number
    }

    static func percent(_ text: String) -> Double? {
        guard text.hasSuffix("%"), let number = Self.number(String(text.dropLast()).trimmed) else {
            return nil
        }
        // 15% is stored as 0.15; rounding keeps 49.00% from becoming 0.49000000000000005.
        return (number / 100 * 1e12).rounded() / 1e12
    }

    static func checkbox(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "checked", "true", "yes", "x", "1", "✓", "✔": true
        case "unchecked", "false", "no", "0": false
        default: nil
        }
    }

    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]

    /// `(a, b, year)` of `a/b/yyyy` (also `-` or `.` separated), or nil.
    static func slashParts(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        guard parts.count == 3, parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2,
            let a = Int(parts[0]), let b = Int(parts[1]), let year = Int(parts[2])
        else { return nil }
        return (a, b, year)
    }

    /// ISO `2024-01-15`, `1/15/2024` or `15/1/2024` by `order`, `4 March 2024`, `March 4, 2024`.
    static func date(_ text: String, order: DateOrder?) -> String? {
        if let iso = FieldValues.parseDate(text) { return iso }
        if let (a, b, year) = Self.slashParts(text) {
            let order = order ?? (a > 12 ? .dayFirst : b > 12 ? .monthFirst : (a == b ? .monthFirst : nil))
            guard let order else { return nil }
            let (month, day) = order == .monthFirst ? (a, b) : (b, a)
            return FieldValues.parseDate(ISO8601.day(year, month, day))
        }
        let words = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
        guard words.count == 3, let year = Int(words[2]), words[2].count == 4 else { return nil }
        func month(_ word: String) -> Int? {
            Self.months.firstIndex { $0 == word || (word.count >= 3 && $0.hasPrefix(word)) }.map { $0 + 1 }
        }
        let day: Int?
        let monthNumber: Int?
        if let m = month(words[1]) {
            (day, monthNumber) = (Int(words[0]), m)
        } else {
            (day, monthNumber) = (Int(words[1]), month(words[0]))
        }
        guard let day, let monthNumber else { return nil }
        return FieldValues.parseDate(ISO8601.day(year, monthNumber, day))
    }

    /// ISO 8601, or a date as above followed by `3:04pm`, `3:04 PM`, `15:04` or `15:04:05`, in `timeZone`.
    static func dateTime(_ text: String, order: DateOrder?, timeZone: TimeZone) -> Date? {
        if let instant = FieldValues.parseDateTime(text) { return instant }
        let normalized = String(text.map { $0 == "T" ? " " : $0 })
        let pieces = normalized.split(separator: " ").map(String.init)
        guard pieces.count >= 2 else { return nil }
        var timeText = pieces.last!.lowercased()
        var datePieces = Array(pieces.dropLast())
        if timeText == "am" || timeText == "pm", pieces.count >= 3 {
            timeText = pieces[pieces.count - 2].lowercased() + timeText
            datePieces = Array(pieces.dropLast(2))
        }
        guard let day = Self.date(datePieces.joined(separator: " "), order: order) else { return nil }
        var meridiem: String?
        if timeText.hasSuffix("am") || timeText.hasSuffix("pm") {
            meridiem = String(timeText.suffix(2))
            timeText = String(timeText.dropLast(2))
        }
        let clock = timeText.split(separator: ":").compactMap { Int($0) }
        guard (2...3).contains(clock.count), timeText.split(separator: ":").count == clock.count else { return nil }
        var hour = clock[0]
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        guard (0...23).contains(hour), (0...59).contains(clock[1]), clock.count == 2 || (0...59).contains(clock[2])
        else { return nil }
        let calendar = ISO8601.calendar(timeZone)
        let parts = day.split(separator: "-").compactMap { Int($0) }
        return calendar.date(
            from: DateComponents(
                year: parts[0],
                month: parts[1],
                day: parts[2],
                hour: hour,
                minute: clock[1],
                second: clock.count == 3 ? clock[2] : 0
            )
        )
    }

    // MARK: Inferring a column

    /// The narrowest type every non-blank value of the column reads as; text otherwise.
    public static func infer(_ values: [String]) -> Inference {
        let present = values.map { $0.trimmed }.filter { !$0.isEmpty }
        guard !present.isEmpty else { return Inference(type: .text, dateOrder: nil, choices: []) }
        if present.allSatisfy({ $0.lowercased() == "checked" }) {
            return Inference(type: .checkbox, dateOrder: nil, choices: [])
        }
        if present.allSatisfy({ Self.percent($0) != nil }) {
            return Inference(type: .percent, dateOrder: nil, choices: [])
        }
        if present.allSatisfy({ Self.number($0) != nil }) {
            return Inference(type: .number, dateOrder: nil, choices: [])
        }
        if present.allSatisfy({ Self.currency($0) != nil && $0.contains(where: Self.currencySymbols.contains) }) {
            return Inference(type: .currency, dateOrder: nil, choices: [])
        }
        if let order = Self.dateOrder(present) {
            // With no order decided, a value counts as a date if it reads as one either way;
            // the plan then asks the caller which (never a silent guess).
            let utc = TimeZone(identifier: "UTC")!
            let orders: [DateOrder] = order.map { [$0] } ?? [.monthFirst, .dayFirst]
            if present.allSatisfy({ value in orders.contains { Self.date(value, order: $0) != nil } }) {
                return Inference(type: .date, dateOrder: order, choices: [])
            }
            if present.allSatisfy({ value in orders.contains { Self.dateTime(value, order: $0, timeZone: utc) != nil } }
            ) {
                return Inference(type: .datetime, dateOrder: order, choices: [])
            }
        }
        if present.allSatisfy({ EmailAddress.normalized($0) != nil }) {
            return Inference(type: .email, dateOrder: nil, choices: [])
        }
        if present.allSatisfy({ $0.hasPrefix("http://") || $0.hasPrefix("https://") })
            && present.allSatisfy({ FieldValues.normalizeURL($0) != nil })
        {
            return Inference(type: .url, dateOrder: nil, choices: [])
        }
        // A few short values repeated across many rows read as a select; several per cell, a multi-select.
        let itemLists = present.map { CSVParser.items($0) }
        let items = itemLists.flatMap { $0 }
        var distinct: [String] = []
        var seen: Set<String> = []
        for item in items where seen.insert(item).inserted { distinct.append(item) }
        let short = items.allSatisfy { $0.count <= 60 && !$0.contains("\n") && !$0.contains("://") }
        // Airtable joins items with "," and no space (docs/DECISIONS.md), so "Boston, MA" is text.
        let multi =
            itemLists.contains { $0.count > 1 }
            && itemLists.allSatisfy { $0.dropFirst().allSatisfy { !$0.hasPrefix(" ") } }
        if short, multi, distinct.count <= 200 {
            return Inference(type: .multiSelect, dateOrder: nil, choices: distinct)
        }
        if short, distinct.count <= 50, distinct.count * 2 <= present.count,
            !itemLists.contains(where: { $0.count > 1 })
        {
            return Inference(type: .singleSelect, dateOrder: nil, choices: distinct)
        }
        return Inference(
            type: present.contains(where: { $0.contains("\n") }) ? .longText : .text,
            dateOrder: nil,
            choices: []
        )
    }

    /// `.some(order)` when the values decide it (or need none), `.some(nil)` when every value
    /// reads both ways, `nil` when they contradict each other or are not dates.
    static func dateOrder(_ values: [String]) -> DateOrder?? {
        var dayFirst = false
        var monthFirst = false
        for value in values {
            let datePart = value.split(separator: " ").first.map(String.init) ?? value
            guard let (a, b, _) = Self.slashParts(datePart) else { continue }
            if a > 12 { dayFirst = true }
            if b > 12 { monthFirst = true }
        }
        switch (dayFirst, monthFirst) {
        case (true, true): return nil
        case (true, false): return .some(.dayFirst)
        case (false, true): return .some(.monthFirst)
        case (false, false):
            return values.contains(where: {
                Self.slashParts($0.split(separator: " ").first.map(String.init) ?? $0) != nil
            })
                ? .some(nil) : .some(.monthFirst)
        }
    }
}

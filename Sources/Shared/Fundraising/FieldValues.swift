import Foundation
import GRDB

/// Why a value does not fit its field: a sentence for the user.
public struct FieldProblem: Error, Equatable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// Checks a value sent for a field against the field's type and turns it into its canonical API
/// form; converts between that form and what a core column stores.
public enum FieldValues {
    public static let maximumTextLength = 100_000

    /// The canonical value, or a sentence saying what is wrong. `null` (and "") clear a field.
    /// A value the database's constraints on a core column would refuse is refused here too.
    public static func normalize(_ value: JSONValue, for field: FieldDefinition) -> Result<JSONValue, FieldProblem> {
        Self.typed(value, for: field).flatMap { canonical in
            CoreConstraints.problem(canonical, for: field).map { .failure($0) } ?? .success(canonical)
        }
    }

    /// The canonical value for the field's type alone.
    static func typed(_ value: JSONValue, for field: FieldDefinition) -> Result<JSONValue, FieldProblem> {
        if field.isComputed { return .failure(FieldProblem("\(field.label) is computed and cannot be set.")) }
        if value == .null || value == .string("") || value == .array([]) {
            return .success(field.type == .checkbox ? .bool(false) : field.type == .multiSelect ? .array([]) : .null)
        }
        let options = field.optionValues
        switch field.type {
        case .text, .longText:
            guard case .string(let text) = value else { return .failure(FieldProblem("\(field.label) must be text.")) }
            guard text.count <= Self.maximumTextLength else {
                return .failure(FieldProblem("\(field.label) is longer than \(Self.maximumTextLength) characters."))
            }
            return .success(.string(text))
        case .number, .currency, .percent, .rating:
            guard case .number(let number) = value, number.isFinite else {
                return .failure(FieldProblem("\(field.label) must be a number."))
            }
            if field.type == .currency {
                if field.isCore && number < 0 { return .failure(FieldProblem("\(field.label) cannot be negative.")) }
                guard abs(number) < 1e13 else { return .failure(FieldProblem("\(field.label) is too large.")) }
                return .success(.number((number * 100).rounded() / 100))
            }
            if field.type == .rating {
                let maximum = options["max"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 5
                guard number == number.rounded(), (0...Double(maximum)).contains(number) else {
                    return .failure(FieldProblem("\(field.label) must be a whole number from 0 to \(maximum)."))
                }
            }
            if options["integer"] == .bool(true) {
                guard number == number.rounded(), abs(number) < 1e15 else {
                    return .failure(FieldProblem("\(field.label) must be a whole number."))
                }
            }
            return .success(.number(number))
        case .checkbox:
            guard case .bool = value else { return .failure(FieldProblem("\(field.label) must be true or false.")) }
            return .success(value)
        case .date:
            guard case .string(let text) = value, let date = Self.parseDate(text) else {
                return .failure(FieldProblem("\(field.label) must be a date like 2026-03-31."))
            }
            return .success(.string(date))
        case .datetime:
            guard case .string(let text) = value, let date = Self.parseDateTime(text) else {
                return .failure(
                    FieldProblem("\(field.label) must be a date and time with a zone, like 2026-03-31T14:30:00Z.")
                )
            }
            return .success(.string(Self.formatDateTime(date)))
        case .singleSelect:
            guard case .string(let text) = value else {
                return .failure(FieldProblem("\(field.label) must be one of its options."))
            }
            return Self.choose(text, field: field, options: options).map(JSONValue.string)
        case .multiSelect:
            let items: [JSONValue]
            switch value {
            case .array(let array): items = array
            case .string: items = [value]
            default: return .failure(FieldProblem("\(field.label) must be a list of options."))
            }
            var chosen: [String] = []
            for item in items {
                guard case .string(let text) = item else {
                    return .failure(FieldProblem("\(field.label) must be a list of options."))
                }
                switch Self.choose(text, field: field, options: options) {
                case .success(let choice): if !chosen.contains(choice) { chosen.append(choice) }
                case .failure(let problem): return .failure(problem)
                }
            }
            guard chosen.count <= 1000 else { return .failure(FieldProblem("\(field.label) holds too many items.")) }
            return .success(.array(chosen.map(JSONValue.string)))
        case .email:
            guard case .string(let text) = value, let email = EmailAddress.normalized(text) else {
                return .failure(FieldProblem("\(field.label) must be an email address."))
            }
            return .success(.string(email))
        case .url:
            guard case .string(let text) = value, let url = Self.normalizeURL(text) else {
                return .failure(FieldProblem("\(field.label) must be a web address like https://example.com."))
            }
            return .success(.string(url))
        case .phone:
            let allowed = Set("0123456789+()-. /x")
            guard case .string(let text) = value, text.count <= 50, text.allSatisfy(allowed.contains),
                text.filter(\.isNumber).count >= 3
            else { return .failure(FieldProblem("\(field.label) must be a phone number.")) }
            return .success(.string(text.trimmingCharacters(in: .whitespaces)))
        case .link:
            guard case .number(let number) = value, number == number.rounded(), number >= 1, number < 1e15 else {
                return .failure(FieldProblem("\(field.label) must be the id of a record."))
            }
            return .success(.number(number))
        case .formula, .createdTime, .lastModifiedTime, .lastModifiedBy:
            return .failure(FieldProblem("\(field.label) is computed and cannot be set."))
        }
    }

    /// An option of the field matched ignoring case and treating spaces and `_` alike; free-form
    /// lists (tags, emails, domains) take any short text.
    static func choose(
        _ raw: String,
        field: FieldDefinition,
        options: [String: JSONValue]
    ) -> Result<String, FieldProblem> {
        let text = raw.trimmed
        guard !text.isEmpty, text.count <= 200, !text.contains(where: \.isNewline) else {
            return .failure(FieldProblem("\(field.label) options must be 1 to 200 characters on one line."))
        }
        if options["format"] == .string("email") {
            guard let email = EmailAddress.normalized(text) else {
                return .failure(FieldProblem("\(text) is not an email address."))
            }
            return .success(email)
        }
        if options["free"] == .bool(true) { return .success(text) }
        guard case .array(let choices)? = options["choices"] else { return .success(text) }
        let wanted = Self.comparable(text)
        for case .string(let choice) in choices where Self.comparable(choice) == wanted { return .success(choice) }
        let names = choices.compactMap { if case .string(let name) = $0 { Self.optionLabel(name) } else { nil } }
        return .failure(FieldProblem("\(field.label) must be one of: \(names.joined(separator: ", "))."))
    }

    /// An option as people read it, as the web grid shows it: a built-in key such as `soft_circle`
    /// reads "Soft circle"; options people named stay as they wrote them.
    public static func optionLabel(_ option: String) -> String {
        guard !option.isEmpty, option.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            return option
        }
        return (option.prefix(1).uppercased() + option.dropFirst()).replacingOccurrences(of: "_", with: " ")
    }

    /// Lower case, `_` as a space, runs of spaces as one, none at either end.
    static func comparable(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: " ")
    }

    static func parseDate(_ text: String) -> String? {
        // YYYY-MM-DD, digits only, a real day of the proleptic Gregorian calendar.
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) })
        else { return nil }
        let number = { (range: Range<Int>) in bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        guard (1...9999).contains(year), (1...12).contains(month), (1...ISO8601.daysIn(month, year)).contains(day)
        else { return nil }
        return text
    }

    static func parseDateTime(_ text: String) -> Date? {
        // Cheap refusal of what cannot be ISO 8601 (an import tries every date-time cell here first).
        let head = Array(text.utf8.prefix(5))
        guard text.utf8.count <= 40, head.count == 5, head[4] == 0x2D,
            head[0..<4].allSatisfy({ (0x30...0x39).contains($0) })
        else {
            return nil
        }
        return ISO8601.date(text)
    }

    static func formatDateTime(_ date: Date) -> String {
        ISO8601.string(date)
    }

    static func normalizeURL(_ raw: String) -> String? {
        let text = raw.trimmed
        guard text.count <= 2000, !text.contains(where: \.isWhitespace) else { return nil }
        let candidate = text.contains("://") ? text : "https://" + text
        guard let url = URL(string: candidate), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = url.host, host.contains(".") || host == "localhost"
        else { return nil }
        return candidate
    }

    /// What a core column stores for a canonical value.
    public static func databaseValue(_ value: JSONValue, for field: FieldDefinition) -> DatabaseValue {
        switch (field.type, value) {
        case (_, .null): return .null
        case (.currency, .number(let number)): return Int64((number * 100).rounded()).databaseValue
        case (.checkbox, .bool(let flag)): return (flag ? 1 : 0).databaseValue
        case (.link, .number(let number)), (.rating, .number(let number)): return Int64(number).databaseValue
        case (_, .number(let number)) where field.optionValues["integer"] == .bool(true):
            return Int64(number).databaseValue
        case (_, .number(let number)): return number.databaseValue
        case (_, .string(let text)): return text.databaseValue
        case (_, .bool(let flag)): return (flag ? 1 : 0).databaseValue
        case (_, .array), (_, .object): return JSONValue.encode(value).databaseValue
        }
    }

    /// The canonical value of what a core column stores.
    public static func apiValue(_ stored: DatabaseValue, for field: FieldDefinition) -> JSONValue {
        switch stored.storage {
        case .null: return field.type == .checkbox ? .bool(false) : .null
        case .int64(let integer):
            switch field.type {
            case .currency: return .number(Double(integer) / 100)
            case .checkbox: return .bool(integer != 0)
            default: return .number(Double(integer))
            }
        case .double(let number): return field.type == .currency ? .number(number / 100) : .number(number)
        case .string(let text):
            if field.type == .multiSelect { return JSONValue.decode(text) ?? .array([]) }
            return .string(text)
        case .blob: return .null
        }
    }
}

extension JSONValue {
    /// Compact JSON text with sorted keys.
    /// Written directly, byte for byte what `JSONEncoder` with `.sortedKeys` writes (a property
    /// test holds them equal): the encoder's setup and boxing cost more than the writing when an
    /// import stores a history row per value.
    public static func encode(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        Self.write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let number): out += Array(Self.numberText(number).utf8)
        case .string(let text): Self.writeString(text, to: &out)
        case .array(let items):
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                Self.write(item, to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out.append(0x2C) }
                Self.writeString(key, to: &out)
                out.append(0x3A)
                Self.write(members[key]!, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// Whole numbers without a fraction, others in Swift's shortest round-trip form.
    static func numberText(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    private static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x2F: out += [0x5C, 0x2F]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0x00..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// Parses JSON text this program stored (custom values, history, options). Uses
    /// `JSONSerialization`, several times faster here than `Codable`'s try-each-type decoding
    /// (it dominated reading records in bench/records.py); it is lenient (a trailing comma
    /// passes), so request bodies go through the strict `JSONDecoder` instead.
    public static func decode(_ text: String) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return nil
        }
        return JSONValue(foundation: object)
    }

    /// Converts what `JSONSerialization` returns. Booleans arrive as `NSNumber`s of ObjC type
    /// "c", which it never uses for numbers.
    init?(foundation object: Any) {
        switch object {
        case is NSNull:
            self = .null
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            self = String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]:
            var items: [JSONValue] = []
            items.reserveCapacity(array.count)
            for item in array {
                guard let value = JSONValue(foundation: item) else { return nil }
                items.append(value)
            }
            self = .array(items)
        case let dictionary as [String: Any]:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(dictionary.count)
            for (key, item) in dictionary {
                guard let value = JSONValue(foundation: item) else { return nil }
                members[key] = value
            }
            self = .object(members)
        default:
            return nil
        }
    }
}

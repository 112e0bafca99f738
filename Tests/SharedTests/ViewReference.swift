import Foundation

@testable import Shared

/// A small in-memory evaluator of view filters, sorts and search over records as the API shows
/// them, written from the view rules of docs/API.md independently of the SQL path, to check it against.
/// Filters compare text as the bytes of its case folding; sorts as its bytes with ASCII letters
/// lower-cased (SQLite's `lower()`, which sort indexes can hold).
struct ViewReference {
    let catalog: [String: FieldDefinition]
    let dates: ViewDates

    func category(_ field: FieldDefinition) -> FieldColumn.Category { FieldColumn(field).category }

    static func bytes(_ text: String) -> [UInt8] { Array(ViewText.fold(text).utf8) }

    static func sortBytes(_ text: String) -> [UInt8] { text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 } }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return true
        }
        return false
    }

    func isBlank(_ value: JSONValue?, _ category: FieldColumn.Category) -> Bool {
        switch (category, value) {
        case (.checkbox, _): return false
        case (_, nil), (_, .null?): return true
        case (.multi, .array(let items)?): return items.isEmpty
        case (_, .string(let text)?): return text.isEmpty
        default: return false
        }
    }

    func matches(_ record: RecordValue, _ group: FilterGroup) -> Bool {
        let results = group.conditions.map { node -> Bool in
            switch node {
            case .group(let inner): self.matches(record, inner)
            case .condition(let condition): self.matches(record, condition)
            }
        }
        if results.isEmpty { return true }
        return group.conjunction == .and ? results.allSatisfy { $0 } : results.contains(true)
    }

    func matches(_ record: RecordValue, _ condition: FilterCondition) -> Bool {
        let field = self.catalog[condition.field]!
        let category = self.category(field)
        let value = record.fields[field.key]
        let blank = self.isBlank(value, category)
        switch condition.op {
        case .isEmpty: return blank
        case .isNotEmpty: return !blank
        default: break
        }
        let text: String? = if case .string(let s)? = value { s } else { nil }
        switch category {
        case .text, .select:
            let mine = Self.bytes(text ?? "")
            switch (condition.op, condition.value) {
            case (.isAnyOf, .array(let items)?), (.isNoneOf, .array(let items)?):
                let wanted = items.compactMap { if case .string(let s) = $0 { Self.bytes(s) } else { nil } }
                let hit = !blank && wanted.contains(mine)
                return condition.op == .isAnyOf ? hit : !wanted.contains(mine)
            case (_, .string(let needle)?):
                let wanted = Self.bytes(needle)
                switch condition.op {
                case .is: return !blank && mine == wanted
                case .isNot: return mine != wanted
                case .contains: return !blank && Self.contains(mine, wanted)
                default: return !Self.contains(mine, wanted)
                }
            default: return false
            }
        case .multi:
            guard case .array(let wantedItems)? = condition.value else { return false }
            let wanted = Set(wantedItems.compactMap { if case .string(let s) = $0 { Self.bytes(s) } else { nil } })
            let mine: Set<[UInt8]> =
                if case .array(let items)? = value {
                    Set(items.compactMap { if case .string(let s) = $0 { Self.bytes(s) } else { nil } })
                } else { [] }
            let common = wanted.intersection(mine).count
            switch condition.op {
            case .hasAnyOf: return common > 0
            case .hasAllOf: return common == wanted.count
            default: return common == 0
            }
        case .number:
            guard case .number(let bound)? = condition.value else { return false }
            guard case .number(let number)? = value else { return condition.op == .neq }
            let scale = field.isCore && field.type == .currency ? 100.0 : 1.0
            let (a, b) = scale == 1 ? (number, bound) : ((number * scale).rounded(), (bound * scale).rounded())
            switch condition.op {
            case .eq: return a == b
            case .neq: return a != b
            case .lt: return a < b
            case .gt: return a > b
            case .lte: return a <= b
            default: return a >= b
            }
        case .checkbox:
            guard case .bool(let wanted)? = condition.value else { return false }
            return (value == .bool(true)) == wanted
        case .link:
            let mine: Double? = if case .number(let n)? = value { n } else { nil }
            switch (condition.op, condition.value) {
            case (.is, .number(let id)?): return mine == id
            case (.isNot, .number(let id)?): return mine != id
            case (.isAnyOf, .array(let ids)?): return mine.map { m in ids.contains(.number(m)) } ?? false
            case (.isNoneOf, .array(let ids)?): return mine.map { m in !ids.contains(.number(m)) } ?? true
            default: return false
            }
        case .date, .datetime:
            guard !blank, let text, case .success(let range) = self.dates.range(condition.value) else { return false }
            let day = category == .date ? text : self.dates.day(of: FieldValues.parseDateTime(text)!)
            switch condition.op {
            case .is, .isWithin: return day >= range.first && day <= range.last
            case .isBefore: return day < range.first
            case .isAfter: return day > range.last
            case .isOnOrBefore: return day <= range.last
            default: return day >= range.first
            }
        }
    }

    func searchMatches(_ record: RecordValue, _ needle: String) -> Bool {
        let wanted = Self.bytes(needle)
        return self.catalog.values.contains { field in
            let category = self.category(field)
            switch (category, record.fields[field.key]) {
            case (.text, .string(let s)?), (.select, .string(let s)?): return Self.contains(Self.bytes(s), wanted)
            case (.multi, .array(let items)?) where !items.isEmpty:
                return items.contains {
                    if case .string(let s) = $0 { Self.contains(Self.bytes(s), wanted) } else { false }
                }
            default: return false
            }
        }
    }

    enum Key: Comparable {
        case bytes([UInt8])
        case number(Double)

        static func < (left: Key, right: Key) -> Bool {
            switch (left, right) {
            case (.bytes(let a), .bytes(let b)): a.lexicographicallyPrecedes(b)
            case (.number(let a), .number(let b)): a < b
            default: false
            }
        }
    }

    func sortKey(_ record: RecordValue, _ field: FieldDefinition) -> (blank: Bool, key: Key) {
        let category = self.category(field)
        let value = record.fields[field.key]
        let blank = self.isBlank(value, category)
        switch (category, value) {
        case (.select, .string(let s)?):
            let choices = FieldColumn(field).choices
            if choices.isEmpty { return (blank, .bytes(Self.sortBytes(s))) }
            return (blank, .number(Double(choices.firstIndex { Array($0.utf8) == Array(s.utf8) } ?? choices.count)))
        case (.select, _):
            return (
                blank,
                FieldColumn(field).choices.isEmpty ? .bytes([]) : .number(Double(FieldColumn(field).choices.count))
            )
        case (.text, .string(let s)?), (.date, .string(let s)?), (.datetime, .string(let s)?):
            return (blank, .bytes(Self.sortBytes(s)))
        case (.multi, .array(let items)?):
            if case .string(let first)? = items.first { return (blank, .bytes(Self.sortBytes(first))) }
            return (blank, .bytes([]))
        case (.number, .number(let n)?), (.link, .number(let n)?): return (blank, .number(n))
        case (.checkbox, .bool(let flag)?): return (blank, .number(flag ? 1 : 0))
        case (.number, _), (.link, _), (.checkbox, _): return (blank, .number(0))
        default: return (blank, .bytes([]))
        }
    }

    func ordered(_ records: [RecordValue], _ sorts: [ViewDefinition.Sort]) -> [RecordValue] {
        records.sorted { a, b in
            for sort in sorts {
                let field = self.catalog[sort.field]!
                let (x, y) = (self.sortKey(a, field), self.sortKey(b, field))
                if x.blank != y.blank { return !x.blank }
                if x.key != y.key { return sort.direction == .asc ? x.key < y.key : y.key < x.key }
            }
            return a.id < b.id
        }
    }
}

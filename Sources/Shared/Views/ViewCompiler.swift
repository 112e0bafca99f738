import Foundation
import GRDB

/// Why a view definition, filter or sort was refused: field paths to sentences.
public struct ViewError: Error, Equatable, Sendable {
    public let problems: [String: String]

    public init(_ problems: [String: String]) {
        self.problems = problems
    }
}

/// Turns a view definition into parameterised SQL over one table (docs/API.md "A view" for the
/// semantics). Positive operators never match a blank value; negative ones (`is_not`,
/// `does_not_contain`, `neq`, `is_none_of`, `has_none_of`) do.
public struct ViewCompiler: Sendable {
    public static let maximumDepth = 3
    public static let maximumConditions = 100
    public static let maximumSorts = 10
    public static let maximumGroups = 3
    public static let maximumListValues = 200

    public let table: RecordTable
    public let columns: [String: FieldColumn]
    public let catalog: [FieldDefinition]
    public let dates: ViewDates

    public init(table: RecordTable, catalog: [FieldDefinition], dates: ViewDates) {
        self.table = table
        self.catalog = catalog
        self.columns = Dictionary(catalog.map { ($0.key, FieldColumn($0)) }, uniquingKeysWith: { a, _ in a })
        self.dates = dates
    }

    // MARK: Checking a whole definition

    /// Every problem of a definition at once; nil when it is usable.
    public func problems(_ definition: ViewDefinition) -> [String: String] {
        var problems: [String: String] = [:]
        if definition.v != ViewDefinition.version { problems["v"] = "This server reads view definitions of version 1." }
        if let filter = definition.filter {
            do { _ = try self.filter(filter) } catch { problems.merge(error.problems) { a, _ in a } }
        }
        do { _ = try self.order(definition.sorts, path: "sorts") } catch {
            problems.merge(error.problems) { a, _ in a }
        }
        if definition.groupBy.count > Self.maximumGroups { problems["group_by"] = "Group by at most three fields." }
        do { _ = try self.order(definition.groupBy, path: "group_by") } catch {
            problems.merge(error.problems) { a, _ in a }
        }
        for (index, layout) in (definition.fields ?? []).enumerated() {
            if self.catalog.first(where: { $0.key == layout.key }) == nil {
                problems["fields[\(index)].key"] = "There is no field \(layout.key)."
            }
            if let width = layout.width, !(40...2000).contains(width) {
                problems["fields[\(index)].width"] = "A width from 40 to 2000."
            }
        }
        if !(0...20).contains(definition.frozen) { problems["frozen"] = "Freeze from 0 to 20 columns." }
        if let search = definition.search, search.count > 500 { problems["search"] = "At most 500 characters." }
        return problems
    }

    // MARK: Filters

    /// The WHERE condition of a filter group.
    public func filter(_ group: FilterGroup) throws(ViewError) -> SQLFragment {
        guard group.depth <= Self.maximumDepth else { throw ViewError(["filter": "Groups nest at most three deep."]) }
        var count = 0
        var problems: [String: String] = [:]
        let fragment = self.group(group, path: "filter", count: &count, problems: &problems)
        if count > Self.maximumConditions {
            problems["filter"] = "A filter has at most \(Self.maximumConditions) conditions."
        }
        guard problems.isEmpty else { throw ViewError(problems) }
        return fragment
    }

    private func group(
        _ group: FilterGroup,
        path: String,
        count: inout Int,
        problems: inout [String: String]
    ) -> SQLFragment {
        var parts: [SQLFragment] = []
        for (index, node) in group.conditions.enumerated() {
            let nodePath = "\(path).conditions[\(index)]"
            switch node {
            case .group(let inner): parts.append(self.group(inner, path: nodePath, count: &count, problems: &problems))
            case .condition(let condition):
                count += 1
                do { parts.append(try self.condition(condition)) } catch { problems[nodePath] = error.message }
            }
        }
        // An empty group matches everything, as an empty filter does.
        return SQLFragment.join(parts, with: group.conjunction == .and ? "AND" : "OR", empty: "1")
    }

    /// One condition, or a sentence naming what does not fit.
    public func condition(_ condition: FilterCondition) throws(FieldProblem) -> SQLFragment {
        guard let column = self.columns[condition.field] else {
            throw FieldProblem("There is no field \(condition.field).")
        }
        let op = condition.op
        guard Self.operators(for: column.category).contains(op) else {
            let allowed = Self.operators(for: column.category).map(\.rawValue).joined(separator: ", ")
            throw FieldProblem("\(column.field.label) cannot use \(op.rawValue); use one of: \(allowed).")
        }
        let value = column.value
        let blank = column.isBlank
        switch op {
        case .isEmpty, .isNotEmpty:
            guard condition.value == nil || condition.value == .null else {
                throw FieldProblem("\(op.rawValue) takes no value.")
            }
            return op == .isEmpty ? blank : SQLFragment("NOT ") + blank
        default: break
        }
        switch column.category {
        case .select where !column.choices.isEmpty && op != .contains && op != .doesNotContain:
            // Stored values are the options' exact spellings: compare with the options the folded
            // values name, so the column's index can serve the condition.
            let wanted =
                op == .isAnyOf || op == .isNoneOf ? try Self.texts(condition.value) : [try Self.text(condition.value)]
            let folded = Set(wanted.map(ViewText.fold))
            let options = column.choices.filter { folded.contains(ViewText.fold($0)) }.map(\.databaseValue)
            let positive = op == .is || op == .isAnyOf
            guard !options.isEmpty else { return SQLFragment(positive ? "0" : "1") }
            let list = SQLFragment.list(options)
            return positive
                ? value + SQLFragment(" IN (") + list + SQLFragment(")")
                : SQLFragment("(") + value + SQLFragment(" IS NULL OR ") + value + SQLFragment(" NOT IN (") + list
                    + SQLFragment("))")
        case .text, .select:
            if op == .isAnyOf || op == .isNoneOf {
                let list = SQLFragment.list(try Self.texts(condition.value).map { ViewText.fold($0).databaseValue })
                return op == .isAnyOf
                    ? column.folded + SQLFragment(" IN (") + list + SQLFragment(")")
                    : SQLFragment("coalesce(") + column.folded + SQLFragment(", '') NOT IN (") + list + SQLFragment(")")
            }
            let needle = ViewText.fold(try Self.text(condition.value)).databaseValue
            switch op {
            case .is: return column.folded + SQLFragment(" = ?", [needle])
            case .isNot: return SQLFragment("coalesce(") + column.folded + SQLFragment(", '') <> ?", [needle])
            case .contains: return SQLFragment("instr(") + column.folded + SQLFragment(", ?) > 0", [needle])
            default: return SQLFragment("coalesce(instr(") + column.folded + SQLFragment(", ?), 0) = 0", [needle])
            }
        case .multi:
            let wanted = Array(Set(try Self.texts(condition.value).map(ViewText.fold))).sorted()
            let matches =
                SQLFragment("(SELECT count(DISTINCT crm_fold(value)) FROM json_each(") + value
                + SQLFragment(") WHERE crm_fold(value) IN (") + SQLFragment.list(wanted.map(\.databaseValue))
                + SQLFragment("))")
            switch op {
            case .hasAnyOf: return matches + SQLFragment(" > 0")
            case .hasAllOf: return matches + SQLFragment(" = \(wanted.count)")
            default: return matches + SQLFragment(" = 0")
            }
        case .number:
            guard case .number(let number)? = condition.value, number.isFinite else {
                throw FieldProblem("\(column.field.label) compares with a number.")
            }
            let bound = (column.scale == 1 ? number : (number * column.scale).rounded()).databaseValue
            let symbol =
                switch op {
                case .eq: "="
                case .neq: "<>"
                case .lt: "<"
                case .gt: ">"
                case .lte: "<="
                default: ">="
                }
            let comparison = value + SQLFragment(" \(symbol) ?", [bound])
            return op == .neq
                ? SQLFragment("(") + value + SQLFragment(" IS NULL OR ") + comparison + SQLFragment(")") : comparison
        case .checkbox:
            guard case .bool(let flag)? = condition.value else {
                throw FieldProblem("\(column.field.label) is true or false.")
            }
            return SQLFragment("coalesce(") + value + SQLFragment(", 0) = ?", [(flag ? 1 : 0).databaseValue])
        case .link:
            if op == .isAnyOf || op == .isNoneOf {
                let list = SQLFragment.list(try Self.ids(condition.value).map(\.databaseValue))
                return op == .isAnyOf
                    ? value + SQLFragment(" IN (") + list + SQLFragment(")")
                    : SQLFragment("(") + value + SQLFragment(" IS NULL OR ") + value + SQLFragment(" NOT IN (") + list
                        + SQLFragment("))")
            }
            guard let id = try Self.ids(.array([condition.value ?? .null])).first else {
                throw FieldProblem("A record id.")
            }
            return op == .is
                ? value + SQLFragment(" = ?", [id.databaseValue])
                : SQLFragment("(") + value + SQLFragment(" IS NULL OR ") + value
                    + SQLFragment(" <> ?)", [id.databaseValue])
        case .date, .datetime:
            let range: ViewDates.DayRange
            switch self.dates.range(condition.value) {
            case .success(let resolved): range = resolved
            case .failure(let problem): throw problem
            }
            let (low, high): (DatabaseValue, DatabaseValue)
            if column.category == .date {
                (low, high) = (range.first.databaseValue, self.dates.dayAfter(range.last).databaseValue)
            } else {
                (low, high) = (
                    column.instant(self.dates.startOfDay(range.first)),
                    column.instant(self.dates.startOfDay(self.dates.dayAfter(range.last)))
                )
            }
            // Both kinds compare as text: [low, high) is the range's days.
            let present = SQLFragment("NOT ") + blank + SQLFragment(" AND ")
            switch op {
            case .is, .isWithin:
                return present + value + SQLFragment(" >= ? AND ", [low]) + value + SQLFragment(" < ?", [high])
            case .isBefore: return present + value + SQLFragment(" < ?", [low])
            case .isAfter: return present + value + SQLFragment(" >= ?", [high])
            case .isOnOrBefore: return present + value + SQLFragment(" < ?", [high])
            default: return present + value + SQLFragment(" >= ?", [low])
            }
        }
    }

    /// The operators each kind of field takes; the first is the one a new filter starts with.
    public static func operators(for category: FieldColumn.Category) -> [FilterCondition.Operator] {
        switch category {
        case .text: [.contains, .doesNotContain, .is, .isNot, .isEmpty, .isNotEmpty]
        case .select: [.is, .isNot, .isAnyOf, .isNoneOf, .contains, .doesNotContain, .isEmpty, .isNotEmpty]
        case .multi: [.hasAnyOf, .hasAllOf, .hasNoneOf, .isEmpty, .isNotEmpty]
        case .number: [.eq, .neq, .lt, .gt, .lte, .gte, .isEmpty, .isNotEmpty]
        case .checkbox: [.is]
        case .date, .datetime:
            [.is, .isBefore, .isAfter, .isOnOrBefore, .isOnOrAfter, .isWithin, .isEmpty, .isNotEmpty]
        case .link: [.is, .isNot, .isAnyOf, .isNoneOf, .isEmpty, .isNotEmpty]
        }
    }

    static func text(_ value: JSONValue?) throws(FieldProblem) -> String {
        guard case .string(let text)? = value, !text.isEmpty, text.count <= 1000 else {
            throw FieldProblem("This condition needs text of 1 to 1000 characters.")
        }
        return text
    }

    static func texts(_ value: JSONValue?) throws(FieldProblem) -> [String] {
        guard case .array(let items)? = value, (1...Self.maximumListValues).contains(items.count) else {
            throw FieldProblem("This condition needs a list of 1 to \(Self.maximumListValues) values.")
        }
        var texts: [String] = []
        for item in items {
            guard case .string(let text) = item, !text.isEmpty, text.count <= 1000 else {
                throw FieldProblem("Each value is text.")
            }
            texts.append(text)
        }
        return texts
    }

    static func ids(_ value: JSONValue?) throws(FieldProblem) -> [Int64] {
        guard case .array(let items)? = value, (1...Self.maximumListValues).contains(items.count) else {
            throw FieldProblem("This condition needs a list of 1 to \(Self.maximumListValues) record ids.")
        }
        var ids: [Int64] = []
        for item in items {
            guard case .number(let number) = item, number == number.rounded(), number >= 1, number < 1e15 else {
                throw FieldProblem("A record id is a whole number.")
            }
            ids.append(Int64(number))
        }
        return ids
    }

    // MARK: Sorts

    /// One key of an ORDER BY: blanks-last flags, then the values, then the id.
    public struct OrderKey: Sendable {
        public let expression: SQLFragment
        public let descending: Bool
    }

    /// The order keys for `sorts`, ending with the record id so no two rows tie.
    public func order(_ sorts: [ViewDefinition.Sort], path: String = "sorts") throws(ViewError) -> [OrderKey] {
        guard sorts.count <= Self.maximumSorts else {
            throw ViewError([path: "Sort by at most \(Self.maximumSorts) fields."])
        }
        var keys: [OrderKey] = []
        var problems: [String: String] = [:]
        for (index, sort) in sorts.enumerated() {
            guard let column = self.columns[sort.field] else {
                problems["\(path)[\(index)].field"] = "There is no field \(sort.field)."
                continue
            }
            // Parenthesised: the keyset comparison appends `> ?`, which binds tighter than `IS`.
            keys.append(OrderKey(expression: SQLFragment("(") + column.isBlank + SQLFragment(")"), descending: false))
            keys.append(
                OrderKey(
                    expression: SQLFragment("(") + column.sortKey + SQLFragment(")"),
                    descending: sort.direction == .desc
                )
            )
        }
        guard problems.isEmpty else { throw ViewError(problems) }
        keys.append(OrderKey(expression: SQLFragment("id"), descending: false))
        return keys
    }

    // MARK: Search

    /// Rows where any visible text, select or multi-select field contains the folded search text.
    public func search(_ text: String, fields definitionFields: [ViewDefinition.FieldLayout]?) -> SQLFragment {
        let hidden = Set((definitionFields ?? []).filter { $0.hidden == true }.map(\.key))
        let needle = ViewText.fold(text).databaseValue
        let parts = self.catalog.compactMap { field -> SQLFragment? in
            guard !hidden.contains(field.key), let column = self.columns[field.key],
                [.text, .select, .multi].contains(column.category)
            else { return nil }
            return SQLFragment("instr(") + column.folded + SQLFragment(", ?) > 0", [needle])
        }
        return SQLFragment.join(parts, with: "OR", empty: "0")
    }
}

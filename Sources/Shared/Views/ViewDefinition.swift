import Foundation

/// A saved view's definition, versioned by `v` (docs/API.md "A view"). Every key but `v` is optional.
public struct ViewDefinition: Codable, Sendable, Equatable {
    public enum Direction: String, Codable, Sendable {
        case asc, desc
    }

    public struct Sort: Codable, Sendable, Equatable {
        public var field: String
        public var direction: Direction

        public init(field: String, direction: Direction = .asc) {
            self.field = field
            self.direction = direction
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.field = try container.decode(String.self, forKey: .field)
            self.direction = try container.decodeIfPresent(Direction.self, forKey: .direction) ?? .asc
        }
    }

    public struct FieldLayout: Codable, Sendable, Equatable {
        public var key: String
        public var hidden: Bool?
        public var width: Int?
    }

    public enum RowHeight: String, Codable, Sendable {
        case short, medium, tall
    }

    public var v: Int
    public var filter: FilterGroup?
    public var sorts: [Sort]
    public var groupBy: [Sort]
    public var fields: [FieldLayout]?
    public var frozen: Int
    public var rowHeight: RowHeight
    public var search: String?

    /// The only version this server writes and reads.
    public static let version = 1

    public init(
        filter: FilterGroup? = nil,
        sorts: [Sort] = [],
        groupBy: [Sort] = [],
        fields: [FieldLayout]? = nil,
        frozen: Int = 0,
        rowHeight: RowHeight = .short,
        search: String? = nil
    ) {
        self.v = Self.version
        self.filter = filter
        self.sorts = sorts
        self.groupBy = groupBy
        self.fields = fields
        self.frozen = frozen
        self.rowHeight = rowHeight
        self.search = search
    }

    enum CodingKeys: String, CodingKey {
        case v, filter, sorts, fields, frozen, search
        case groupBy = "group_by"
        case rowHeight = "row_height"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.v = try container.decode(Int.self, forKey: .v)
        self.filter = try container.decodeIfPresent(FilterGroup.self, forKey: .filter)
        self.sorts = try container.decodeIfPresent([Sort].self, forKey: .sorts) ?? []
        self.groupBy = try container.decodeIfPresent([Sort].self, forKey: .groupBy) ?? []
        self.fields = try container.decodeIfPresent([FieldLayout].self, forKey: .fields)
        self.frozen = try container.decodeIfPresent(Int.self, forKey: .frozen) ?? 0
        self.rowHeight = try container.decodeIfPresent(RowHeight.self, forKey: .rowHeight) ?? .short
        self.search = try container.decodeIfPresent(String.self, forKey: .search)
    }
}

/// `{"conjunction": "and"|"or", "conditions": [condition | group, ...]}`.
public struct FilterGroup: Codable, Sendable, Equatable {
    public enum Conjunction: String, Codable, Sendable {
        case and, or
    }

    public indirect enum Node: Codable, Sendable, Equatable {
        case condition(FilterCondition)
        case group(FilterGroup)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: FilterGroup.CodingKeys.self)
            if container.contains(.conditions) {
                self = .group(try FilterGroup(from: decoder))
            } else {
                self = .condition(try FilterCondition(from: decoder))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .condition(let condition): try condition.encode(to: encoder)
            case .group(let group): try group.encode(to: encoder)
            }
        }
    }

    public var conjunction: Conjunction
    public var conditions: [Node]

    public init(_ conjunction: Conjunction, _ conditions: [Node]) {
        self.conjunction = conjunction
        self.conditions = conditions
    }

    /// The keys of the fields its conditions name, at any depth.
    public var fields: [String] {
        self.conditions.flatMap { node -> [String] in
            switch node {
            case .condition(let condition): [condition.field]
            case .group(let group): group.fields
            }
        }
    }

    /// Its conditions on one field, at any depth.
    public func conditionsOn(_ key: String) -> [FilterCondition] {
        self.conditions.flatMap { node -> [FilterCondition] in
            switch node {
            case .condition(let condition): condition.field == key ? [condition] : []
            case .group(let group): group.conditionsOn(key)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case conjunction, conditions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.conjunction = try container.decodeIfPresent(Conjunction.self, forKey: .conjunction) ?? .and
        self.conditions = try container.decode([Node].self, forKey: .conditions)
    }

    /// How deep groups nest (a group of conditions is 1).
    public var depth: Int {
        1 + (self.conditions.map { if case .group(let group) = $0 { group.depth } else { 0 } }.max() ?? 0)
    }
}

/// `{"field", "operator", "value"?}`.
public struct FilterCondition: Codable, Sendable, Equatable {
    public enum Operator: String, Codable, Sendable, CaseIterable {
        case `is`
        case isNot = "is_not"
        case contains
        case doesNotContain = "does_not_contain"
        case isEmpty = "is_empty"
        case isNotEmpty = "is_not_empty"
        case eq, neq, lt, gt, lte, gte
        case isAnyOf = "is_any_of"
        case isNoneOf = "is_none_of"
        case hasAnyOf = "has_any_of"
        case hasAllOf = "has_all_of"
        case hasNoneOf = "has_none_of"
        case isBefore = "is_before"
        case isAfter = "is_after"
        case isOnOrBefore = "is_on_or_before"
        case isOnOrAfter = "is_on_or_after"
        case isWithin = "is_within"
    }

    public var field: String
    public var op: Operator
    public var value: JSONValue?

    public init(_ field: String, _ op: Operator, _ value: JSONValue? = nil) {
        self.field = field
        self.op = op
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case field, value
        case op = "operator"
    }
}

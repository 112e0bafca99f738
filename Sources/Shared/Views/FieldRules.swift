/// The field and filter rules the browser needs, built from the definitions the server enforces
/// (`FieldColumn.category`, `ViewCompiler`, `ViewDates`, `FieldType`, `RecordTable`), so the two
/// cannot disagree. crm-api serves it at `GET /api/rules`; the web app reads it at start.
public struct FieldRules: Encodable, Sendable, Equatable {
    public struct TypeRule: Encodable, Sendable, Equatable {
        /// Which operators a filter on it takes (a key of `operators`).
        public var category: FieldColumn.Category
        /// The server computes its values; a write is refused.
        public var readOnly: Bool
        /// Shown right-aligned and summed in the grid's footer.
        public var numeric: Bool

        enum CodingKeys: String, CodingKey {
            case category, numeric
            case readOnly = "read_only"
        }
    }

    /// Per field type.
    public var types: [String: TypeRule]
    /// A formula field's category, per result type.
    public var formulaResults: [String: FieldColumn.Category]
    /// Per category, the filter operators it takes, the first being the default.
    public var operators: [String: [String]]
    public var relativeDates: [String]
    public var maxFilterDepth: Int
    public var maxConditions: Int
    public var maxSorts: Int
    public var maxGroups: Int
    /// Per table, the fields a record cannot be without.
    public var required: [String: [String]]

    enum CodingKeys: String, CodingKey {
        case types, operators, required
        case formulaResults = "formula_results"
        case relativeDates = "relative_dates"
        case maxFilterDepth = "max_filter_depth"
        case maxConditions = "max_conditions"
        case maxSorts = "max_sorts"
        case maxGroups = "max_groups"
    }

    public static let current = FieldRules()

    init() {
        var types: [String: TypeRule] = [:]
        for type in FieldType.allCases {
            let category = FieldColumn.category(type, result: nil)
            types[type.rawValue] = TypeRule(category: category, readOnly: type.isComputed, numeric: category == .number)
        }
        self.types = types
        let results: [FormulaType] = [.number, .text, .boolean, .date, .datetime, .array, .blank, .any]
        self.formulaResults = Dictionary(
            uniqueKeysWithValues: results.map { ($0.rawValue, FieldColumn.category(.formula, result: $0)) }
        )
        self.operators = Dictionary(
            uniqueKeysWithValues: FieldColumn.Category.allCases.map { category in
                (category.rawValue, ViewCompiler.operators(for: category).map(\.rawValue))
            }
        )
        self.relativeDates = ViewDates.relativeValues
        self.maxFilterDepth = ViewCompiler.maximumDepth
        self.maxConditions = ViewCompiler.maximumConditions
        self.maxSorts = ViewCompiler.maximumSorts
        self.maxGroups = ViewCompiler.maximumGroups
        self.required = Dictionary(uniqueKeysWithValues: RecordTable.allCases.map { ($0.rawValue, $0.requiredKeys) })
    }
}

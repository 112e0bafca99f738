/// What the database's CHECK and NOT NULL constraints on the core columns demand beyond a
/// field's type (`Migration003Fundraising`), checked before any write so a value the database
/// would refuse is a field problem (a 422, a row error of an import's plan), never a failed
/// transaction. Keep in step with the schema: a test writes every limit through the store.
public enum CoreConstraints {
    /// The longest name a record may have (`CHECK (length(name) BETWEEN 1 AND 500)`).
    public static let nameLength = 500
    /// Fund vintages the schema accepts.
    public static let vintages = 1900.0...2200.0

    /// Why `value` (already in canonical form) cannot be stored in core field `field`, or nil.
    static func problem(_ value: JSONValue, for field: FieldDefinition) -> FieldProblem? {
        guard field.isCore else { return nil }
        switch (field.key, value) {
        case ("name", .string(let text)) where text.count > Self.nameLength:
            return FieldProblem("\(field.label) is longer than \(Self.nameLength) characters.")
        case ("vintage", .number(let year)) where !Self.vintages.contains(year):
            return FieldProblem("\(field.label) must be a year from 1900 to 2200.")
        case ("currency", .string(let code)) where code.count != 3 || !code.allSatisfy({ $0.isASCII && $0.isLetter }):
            return FieldProblem("\(field.label) must be a three-letter currency code such as USD.")
        default:
            return nil
        }
    }
}

extension RecordTable {
    /// Core fields whose column is NOT NULL with a default: left out on create they take the
    /// default, but a record's value cannot be cleared.
    public var defaultedKeys: [String] {
        switch self {
        case .investors: ["stage"]
        case .contacts: []
        case .funds: ["currency", "status"]
        case .commitments: ["currency", "status"]
        }
    }

    /// Fields an existing record's value cannot be cleared from.
    public var unclearableKeys: [String] { self.requiredKeys + self.defaultedKeys }
}

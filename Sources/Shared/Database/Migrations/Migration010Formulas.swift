import GRDB

/// Formula fields: each record keeps its formula results in `custom` (so views filter and sort
/// on them like any stored value) and the reason behind each error result in `formula_errors`
/// (a JSON object field key → sentence; NULL when no formula of the record failed).
enum Migration010Formulas {
    static let identifier = "010-formulas"

    static func apply(_ db: Database) throws {
        for table in ["fundraising_investors", "fundraising_contacts", "fundraising_funds", "fundraising_commitments"] {
            try db.execute(
                sql: """
                    ALTER TABLE \(table) ADD COLUMN formula_errors TEXT
                        CHECK (formula_errors IS NULL OR (json_valid(formula_errors) AND json_type(formula_errors) = 'object'))
                    """)
        }
    }
}

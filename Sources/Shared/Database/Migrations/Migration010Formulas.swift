import GRDB

/// Formula fields: each record keeps its formula results in `custom` (so views filter and sort
/// on them like any stored value) and the reason behind each error result in `formula_errors`
/// (a JSON object field key → sentence; NULL when no formula of the record failed).
/// `formula_jobs` recomputes a changed formula over a large table in batches, with progress,
/// resuming after a restart; a newer formula for the same field supersedes a running job.
enum Migration010Formulas {
    static let identifier = "010-formulas"

    static func apply(_ db: Database) throws {
        for table in ["fundraising_investors", "fundraising_contacts", "fundraising_funds", "fundraising_commitments"] {
            try db.execute(
                sql: """
                    ALTER TABLE \(table) ADD COLUMN formula_errors TEXT
                        CHECK (formula_errors IS NULL OR (json_valid(formula_errors) AND json_type(formula_errors) = 'object'))
                    """
            )
        }
        try db.execute(
            sql: """
                CREATE TABLE formula_jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    field_key TEXT NOT NULL,
                    formula TEXT NOT NULL,
                    total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
                    done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
                    next_id INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'superseded')),
                    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    finished_at TEXT
                );
                CREATE INDEX formula_jobs_running ON formula_jobs (id) WHERE status = 'running';
                """
        )
    }
}

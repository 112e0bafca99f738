import GRDB

/// CSV imports: one `import_runs` row per committed import (who, when, the file's SHA-256, the
/// counts and the options it ran with), and `import_record_ids`, which remembers the Airtable
/// record id (`recXXXXXXXXXXXXXX`) each imported record came from, so a later export of the same
/// base updates those records instead of creating them again.
enum Migration009Import {
    static let identifier = "009-import"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE import_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
                    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
                    file_bytes INTEGER NOT NULL CHECK (file_bytes >= 0),
                    created INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    archived INTEGER NOT NULL DEFAULT 0,
                    skipped INTEGER NOT NULL DEFAULT 0,
                    new_fields INTEGER NOT NULL DEFAULT 0,
                    options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options) AND json_type(options) = 'object'),
                    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now))
                );
                CREATE INDEX import_runs_table ON import_runs (table_name, id);

                CREATE TABLE import_record_ids (
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    airtable_id TEXT NOT NULL CHECK (length(airtable_id) BETWEEN 1 AND 64),
                    record_id INTEGER NOT NULL,
                    PRIMARY KEY (table_name, airtable_id)
                ) WITHOUT ROWID;
                CREATE INDEX import_record_ids_record ON import_record_ids (table_name, record_id);
                """
        )
    }
}

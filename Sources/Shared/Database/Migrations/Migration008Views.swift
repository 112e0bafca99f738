import GRDB

/// Saved views: personal (only the owner sees them), shared, and shared-locked (only admins edit),
/// seeded with the fund's everyday views.
enum Migration008Views {
    static let identifier = "008-views"

    /// The views a new CRM starts with (table, name, definition).
    static let seeds: [(String, String, String)] = [
        ("investors", "All investors", #"{"v":1,"sorts":[{"field":"name","direction":"asc"}]}"#),
        (
            "investors", "Pipeline by stage",
            #"{"v":1,"filter":{"conjunction":"and","conditions":[{"field":"stage","operator":"is_none_of","value":["passed"]}]},"group_by":[{"field":"stage","direction":"asc"}],"sorts":[{"field":"name","direction":"asc"}]}"#
        ),
        (
            "investors", "Follow up this week",
            #"{"v":1,"filter":{"conjunction":"or","conditions":[{"field":"next_step_at","operator":"is_within","value":{"relative":"next_week"}},{"field":"last_contacted_at","operator":"is_before","value":{"relative":"days_ago","days":30}}]},"sorts":[{"field":"next_step_at","direction":"asc"},{"field":"name","direction":"asc"}]}"#
        ),
        (
            "investors", "Graveyard",
            #"{"v":1,"filter":{"conjunction":"and","conditions":[{"field":"stage","operator":"is","value":"passed"}]},"sorts":[{"field":"name","direction":"asc"}]}"#
        ),
        (
            "investors", "Longshots",
            #"{"v":1,"filter":{"conjunction":"and","conditions":[{"field":"tags","operator":"has_any_of","value":["longshot"]},{"field":"stage","operator":"is_none_of","value":["passed"]}]},"sorts":[{"field":"name","direction":"asc"}]}"#
        ),
        (
            "commitments", "Commitments by fund",
            #"{"v":1,"group_by":[{"field":"fund_id","direction":"asc"}],"sorts":[{"field":"amount","direction":"desc"}]}"#
        ),
    ]

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE views (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    table_name TEXT NOT NULL CHECK (table_name IN ('investors', 'contacts', 'funds', 'commitments')),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    scope TEXT NOT NULL CHECK (scope IN ('personal', 'shared')),
                    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
                    owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    definition TEXT NOT NULL CHECK (json_valid(definition) AND json_type(definition) = 'object'),
                    position INTEGER NOT NULL DEFAULT 0,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    deleted_at TEXT,
                    CHECK (scope = 'shared' OR (owner_id IS NOT NULL AND locked = 0))
                );
                CREATE INDEX views_by_table ON views (table_name, position, id) WHERE deleted_at IS NULL;
                """
        )
        for (position, (table, name, definition)) in Self.seeds.enumerated() {
            try db.execute(
                sql: "INSERT INTO views (table_name, name, scope, definition, position) VALUES (?, ?, 'shared', ?, ?)",
                arguments: [table, name, definition, position]
            )
        }
    }
}

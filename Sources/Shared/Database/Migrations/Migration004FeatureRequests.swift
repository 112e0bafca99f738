import GRDB

/// Requests the team files about the CRM itself.
enum Migration004FeatureRequests {
    static let identifier = "004-feature-requests"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE feature_requests (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
                    body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
                    status TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'planned', 'in_progress', 'done', 'declined')),
                    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    deleted_at TEXT
                );
                """
        )
    }
}

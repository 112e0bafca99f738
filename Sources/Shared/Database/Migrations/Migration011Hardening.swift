import GRDB

/// API tokens may expire and may be limited to reading.
enum Migration011Hardening {
    static let identifier = "011-hardening"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
                ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
                CREATE INDEX api_tokens_live ON api_tokens (user_id) WHERE revoked_at IS NULL;
                """
        )
    }
}

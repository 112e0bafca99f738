import GRDB

/// Messages a sync could not read (Google kept failing after its retries), to try again later on
/// their own instead of failing the mailbox's whole run. A row leaves when the message is decided
/// (kept, skipped or gone), or after the last attempt, when it is counted as `unreadable`.
enum Migration015EmailRetries {
    static let identifier = "015-email-retries"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_retries (
                    user_id INTEGER NOT NULL REFERENCES users (id),
                    gmail_id TEXT NOT NULL,
                    gmail_thread_id TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
                    next_attempt_at TEXT NOT NULL,
                    last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 1000),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    PRIMARY KEY (user_id, gmail_id)
                ) WITHOUT ROWID;
                CREATE INDEX email_retries_due ON email_retries (user_id, next_attempt_at);
                """
        )
    }
}

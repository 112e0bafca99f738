import GRDB

/// The outbound mail queue crm-mailer drains. A row is never deleted by the mailer: it ends
/// `sent`, `failed` (the server refused it for good) or `dead` (gave up after retries).
enum Migration006OutboundMail {
    static let identifier = "006-outbound-mail"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE outbound_mail (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('test', 'digest', 'invite')),
                    idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
                    message_id TEXT NOT NULL UNIQUE,
                    recipients TEXT NOT NULL CHECK (json_valid(recipients) AND json_array_length(recipients) > 0),
                    subject TEXT NOT NULL,
                    body_text TEXT NOT NULL,
                    body_html TEXT,
                    sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
                    status TEXT NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    lease_expires_at TEXT,
                    last_error TEXT,
                    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    sent_at TEXT,
                    deleted_at TEXT
                );
                CREATE INDEX outbound_mail_due ON outbound_mail (status, next_attempt_at);
                """
        )
    }
}

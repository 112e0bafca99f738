import GRDB

/// Captured mail. One `email_messages` row per RFC Message-ID, however many of the team's
/// mailboxes hold it, with what the privacy level lets the CRM keep; one `email_participations`
/// row per mailbox that holds it, with its direction for that member; `email_message_links` to
/// the contacts and investors that made it relevant. `email_seen` remembers every message a sync
/// decided on (kept or skipped), so no message is fetched twice; `email_skips` counts the skipped
/// ones per mailbox and reason.
enum Migration014EmailCapture {
    static let identifier = "014-email-capture"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rfc_message_id TEXT NOT NULL UNIQUE CHECK (length(rfc_message_id) BETWEEN 1 AND 998),
                    thread_key TEXT NOT NULL,
                    subject TEXT,
                    body_text TEXT,
                    from_address TEXT NOT NULL,
                    from_name TEXT,
                    recipients TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(recipients) AND json_type(recipients) = 'array'),
                    sent_at TEXT NOT NULL,
                    privacy TEXT NOT NULL CHECK (privacy IN ('metadata', 'subject', 'full')),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    deleted_at TEXT
                );
                CREATE INDEX email_messages_thread ON email_messages (thread_key) WHERE deleted_at IS NULL;
                CREATE INDEX email_messages_sent ON email_messages (sent_at) WHERE deleted_at IS NULL;

                CREATE TABLE email_participations (
                    user_id INTEGER NOT NULL REFERENCES users (id),
                    gmail_id TEXT NOT NULL,
                    message_id INTEGER NOT NULL REFERENCES email_messages (id),
                    gmail_thread_id TEXT NOT NULL,
                    direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    PRIMARY KEY (user_id, gmail_id)
                ) WITHOUT ROWID;
                CREATE INDEX email_participations_message ON email_participations (message_id);

                CREATE TABLE email_message_links (
                    message_id INTEGER NOT NULL REFERENCES email_messages (id),
                    record_table TEXT NOT NULL CHECK (record_table IN ('investors', 'contacts')),
                    record_id INTEGER NOT NULL,
                    PRIMARY KEY (message_id, record_table, record_id)
                ) WITHOUT ROWID;
                CREATE INDEX email_message_links_record ON email_message_links (record_table, record_id, message_id);

                CREATE TABLE email_seen (
                    user_id INTEGER NOT NULL REFERENCES users (id),
                    gmail_id TEXT NOT NULL,
                    PRIMARY KEY (user_id, gmail_id)
                ) WITHOUT ROWID;

                CREATE TABLE email_skips (
                    user_id INTEGER NOT NULL REFERENCES users (id),
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
                    PRIMARY KEY (user_id, reason)
                ) WITHOUT ROWID;
                """
        )
    }
}

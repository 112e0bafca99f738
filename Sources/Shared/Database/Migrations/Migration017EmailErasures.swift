import GRDB

/// Erasing a contact's (or an investor's) captured mail is one admin action, and soft: each
/// erasure is a row saying who erased which record's mail when, the messages it hid point at
/// it, and restoring it brings exactly those back.
enum Migration017EmailErasures {
    static let identifier = "017-email-erasures"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_erasures (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    record_table TEXT NOT NULL CHECK (record_table IN ('investors', 'contacts')),
                    record_id INTEGER NOT NULL,
                    message_count INTEGER NOT NULL CHECK (message_count >= 0),
                    erased_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    erased_at TEXT NOT NULL,
                    restored_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    restored_at TEXT
                );
                ALTER TABLE email_messages ADD COLUMN erasure_id INTEGER REFERENCES email_erasures (id);
                CREATE INDEX email_messages_erasure ON email_messages (erasure_id) WHERE erasure_id IS NOT NULL;
                """
        )
    }
}

import GRDB

/// Full-text search over captured mail: an FTS5 index of the subjects and text as stored, kept in
/// step by triggers, so what the privacy level strips, an erasure hides or a restore brings back is
/// in the index exactly when it is in the table. Accents and case do not matter.
enum Migration020EmailSearch {
    static let identifier = "020-email-search"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE email_search USING fts5(
                    subject, body_text, content = 'email_messages', content_rowid = 'id',
                    tokenize = 'unicode61 remove_diacritics 2'
                );
                INSERT INTO email_search (rowid, subject, body_text)
                    SELECT id, subject, body_text FROM email_messages WHERE deleted_at IS NULL;
                CREATE TRIGGER email_search_insert AFTER INSERT ON email_messages WHEN new.deleted_at IS NULL BEGIN
                    INSERT INTO email_search (rowid, subject, body_text) VALUES (new.id, new.subject, new.body_text);
                END;
                CREATE TRIGGER email_search_update AFTER UPDATE OF subject, body_text, deleted_at ON email_messages BEGIN
                    INSERT INTO email_search (email_search, rowid, subject, body_text)
                        SELECT 'delete', old.id, old.subject, old.body_text WHERE old.deleted_at IS NULL;
                    INSERT INTO email_search (rowid, subject, body_text)
                        SELECT new.id, new.subject, new.body_text WHERE new.deleted_at IS NULL;
                END;
                CREATE TRIGGER email_search_delete AFTER DELETE ON email_messages WHEN old.deleted_at IS NULL BEGIN
                    INSERT INTO email_search (email_search, rowid, subject, body_text)
                        VALUES ('delete', old.id, old.subject, old.body_text);
                END;
                """
        )
    }
}

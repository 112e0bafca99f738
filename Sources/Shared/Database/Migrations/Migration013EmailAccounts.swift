import GRDB

/// The mailboxes Gmail capture reads: one row per team member an admin turned sync on for (a
/// member without a row is not synced), with the sync's state, its cursor (Gmail's history id)
/// and what it last said. Rows are never deleted: turning sync off keeps the cursor.
enum Migration013EmailAccounts {
    static let identifier = "013-email-accounts"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_accounts (
                    user_id INTEGER PRIMARY KEY REFERENCES users (id),
                    sync_enabled INTEGER NOT NULL DEFAULT 0 CHECK (sync_enabled IN (0, 1)),
                    state TEXT NOT NULL DEFAULT 'not_connected'
                        CHECK (state IN ('not_connected', 'backfilling', 'active', 'throttled', 'failing')),
                    history_id TEXT CHECK (history_id IS NULL OR history_id GLOB '[0-9]*'),
                    last_sync_at TEXT,
                    last_attempt_at TEXT,
                    throttled_until TEXT,
                    last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 1000),
                    fetched_count INTEGER NOT NULL DEFAULT 0 CHECK (fetched_count >= 0),
                    kept_count INTEGER NOT NULL DEFAULT 0 CHECK (kept_count >= 0),
                    sync_requested_at TEXT,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
                );
                CREATE INDEX email_accounts_enabled ON email_accounts (sync_enabled, user_id);
                """
        )
    }
}

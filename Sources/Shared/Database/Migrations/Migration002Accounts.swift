import GRDB

/// Sessions, personal API tokens and invites. Every token is stored as its SHA-256 only.
enum Migration002Accounts {
    static let identifier = "002-accounts"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                    created_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    absolute_expires_at TEXT NOT NULL,
                    ip TEXT,
                    user_agent TEXT CHECK (user_agent IS NULL OR length(user_agent) <= 512),
                    revoked_at TEXT,
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now))
                );
                CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                    prefix TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    last_used_at TEXT,
                    revoked_at TEXT
                );
                CREATE INDEX api_tokens_user ON api_tokens (user_id);

                CREATE TABLE invites (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
                    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
                    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
                    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    expires_at TEXT NOT NULL,
                    accepted_at TEXT,
                    accepted_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    revoked_at TEXT,
                    CHECK (accepted_at IS NULL OR revoked_at IS NULL)
                );
                CREATE INDEX invites_email ON invites (email);
                """
        )
    }
}

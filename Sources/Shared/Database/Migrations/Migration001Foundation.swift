import GRDB

/// Daemon heartbeats, app settings, the grid's global version, and the first users table.
enum Migration001Foundation {
    static let identifier = "001-foundation"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL COLLATE NOCASE
                        CHECK (length(email) BETWEEN 3 AND 254 AND instr(email, '@') > 1),
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
                    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    deleted_at TEXT
                );
                CREATE UNIQUE INDEX users_email_live ON users (email COLLATE NOCASE) WHERE deleted_at IS NULL;

                CREATE TABLE daemon_status (
                    name TEXT PRIMARY KEY NOT NULL
                        CHECK (name IN ('crm-api', 'crm-scheduler', 'crm-mailer', 'crm-backup')),
                    pid INTEGER NOT NULL CHECK (pid > 0),
                    version TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'stopped')),
                    started_at TEXT NOT NULL,
                    last_beat_at TEXT NOT NULL,
                    stopped_at TEXT,
                    figures TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(figures) AND json_type(figures) = 'object'),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now))
                );

                CREATE TABLE app_settings (
                    key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
                    value TEXT NOT NULL CHECK (json_valid(value)),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
                );

                CREATE TABLE fundraising_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
                );
                INSERT INTO fundraising_state (id, version) VALUES (1, 0);
                """
        )
    }
}

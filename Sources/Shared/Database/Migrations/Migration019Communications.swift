import GRDB

/// Logged communications: a call, meeting, email, note or intro with an investor and its
/// contacts, by a team member, with a short summary and where it was logged from. Soft-deleted;
/// every change is a row of `communication_history` (who, when, old → new), and the activity
/// feed reads that history.
enum Migration019Communications {
    static let identifier = "019-communications"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE communications (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'note', 'intro')),
                    occurred_at TEXT NOT NULL,
                    member_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    investor_id INTEGER REFERENCES fundraising_investors (id),
                    summary TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
                    source TEXT NOT NULL CHECK (source IN ('app', 'api', 'email')),
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    deleted_at TEXT
                );
                CREATE INDEX communications_investor ON communications (investor_id, occurred_at) WHERE deleted_at IS NULL;
                CREATE INDEX communications_time ON communications (occurred_at, id) WHERE deleted_at IS NULL;

                CREATE TABLE communication_contacts (
                    communication_id INTEGER NOT NULL REFERENCES communications (id),
                    contact_id INTEGER NOT NULL REFERENCES fundraising_contacts (id),
                    PRIMARY KEY (communication_id, contact_id)
                ) WITHOUT ROWID;
                CREATE INDEX communication_contacts_contact ON communication_contacts (contact_id, communication_id);

                CREATE TABLE communication_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    communication_id INTEGER NOT NULL REFERENCES communications (id),
                    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
                    old_value TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
                    new_value TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
                    version INTEGER NOT NULL,
                    changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    changed_at TEXT NOT NULL DEFAULT (\(Migrations.now))
                );
                CREATE INDEX communication_history_entry ON communication_history (communication_id, id);
                """
        )
    }
}

import GRDB

/// Restore jobs: `backup_jobs` gains the `restore` kind, the backup to restore from, and the
/// safety backup taken first. SQLite cannot change a CHECK in place, so the table is rebuilt
/// (GRDB runs migrations with foreign keys off and checks them at the end).
enum Migration007Restore {
    static let identifier = "007-restore"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE backup_jobs_new (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'safety', 'restore')),
                    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
                    scheduled_for TEXT,
                    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    backup_id INTEGER,
                    restore_from INTEGER REFERENCES backups (id),
                    safety_backup_id INTEGER REFERENCES backups (id),
                    progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
                    error TEXT,
                    lease_expires_at TEXT,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    started_at TEXT,
                    finished_at TEXT,
                    CHECK ((kind = 'restore') = (restore_from IS NOT NULL))
                );
                INSERT INTO backup_jobs_new (id, kind, status, scheduled_for, requested_by, backup_id, progress, error,
                                             lease_expires_at, created_at, updated_at, started_at, finished_at)
                SELECT id, kind, status, scheduled_for, requested_by, backup_id, progress, error,
                       lease_expires_at, created_at, updated_at, started_at, finished_at
                FROM backup_jobs;
                DROP TABLE backup_jobs;
                ALTER TABLE backup_jobs_new RENAME TO backup_jobs;
                CREATE INDEX backup_jobs_queue ON backup_jobs (status, id);
                CREATE UNIQUE INDEX backup_jobs_one_per_slot ON backup_jobs (scheduled_for) WHERE kind = 'scheduled';
                """
        )
    }
}

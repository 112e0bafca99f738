import GRDB

/// The backup catalogue, the job queue crm-backup drains, and the policy (one row).
enum Migration005Backups {
    static let identifier = "005-backups"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE backup_jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'safety')),
                    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
                    scheduled_for TEXT,
                    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    backup_id INTEGER,
                    progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
                    error TEXT,
                    lease_expires_at TEXT,
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    started_at TEXT,
                    finished_at TEXT
                );
                CREATE INDEX backup_jobs_queue ON backup_jobs (status, id);
                CREATE UNIQUE INDEX backup_jobs_one_per_slot ON backup_jobs (scheduled_for) WHERE kind = 'scheduled';

                CREATE TABLE backups (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file_name TEXT NOT NULL UNIQUE CHECK (file_name GLOB 'crm-*.sqlite' AND instr(file_name, '/') = 0),
                    kind TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'safety')),
                    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    schema_version TEXT NOT NULL,
                    row_counts TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(row_counts)),
                    job_id INTEGER REFERENCES backup_jobs (id) ON DELETE SET NULL,
                    verified_at TEXT,
                    verify_ok INTEGER CHECK (verify_ok IN (0, 1)),
                    verify_checks TEXT CHECK (verify_checks IS NULL OR json_valid(verify_checks)),
                    created_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    deleted_at TEXT
                );

                CREATE TABLE backup_policy (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
                    time_of_day TEXT NOT NULL DEFAULT '02:30',
                    time_zone TEXT NOT NULL DEFAULT 'UTC',
                    keep_last INTEGER NOT NULL DEFAULT 7 CHECK (keep_last BETWEEN 1 AND 1000),
                    keep_daily_days INTEGER NOT NULL DEFAULT 14 CHECK (keep_daily_days BETWEEN 0 AND 3650),
                    keep_weekly_weeks INTEGER NOT NULL DEFAULT 8 CHECK (keep_weekly_weeks BETWEEN 0 AND 520),
                    updated_at TEXT NOT NULL DEFAULT (\(Migrations.now)),
                    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
                );
                INSERT INTO backup_policy (id) VALUES (1);
                """
        )
    }
}

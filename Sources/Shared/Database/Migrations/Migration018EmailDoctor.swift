import GRDB

/// The Admin page's "Check Google set-up": crm-api records the request, crm-scheduler (the only
/// daemon that talks to Google) runs the doctor and stores its report here.
enum Migration018EmailDoctor {
    static let identifier = "018-email-doctor"

    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_doctor_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
                    requested_at TEXT NOT NULL,
                    started_at TEXT,
                    finished_at TEXT,
                    ok INTEGER CHECK (ok IN (0, 1)),
                    report TEXT CHECK (report IS NULL OR (json_valid(report) AND json_type(report) = 'object'))
                );
                """
        )
    }
}

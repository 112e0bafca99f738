import GRDB

/// Relationship signals from captured mail, as read-only core fields of investors and contacts:
/// who on the team was last in touch and when, the closest teammate, a staleness state, first
/// contact, last inbound and outbound, and counts over 30 and 90 days. Investors' hand-kept
/// "Last contacted" dates move to "Last contacted (entered)", which stays editable and still
/// counts: "Last contacted" is now the later of it and the mail.
enum Migration016RelationshipSignals {
    static let identifier = "016-relationship-signals"

    /// (key, label, type, options JSON, SQL column, hidden by default), appended to both tables.
    static let fields: [(String, String, String, String, String, Bool)] = [
        ("last_contacted_by", "Last contacted by", "link", #"{"table":"users"}"#, "INTEGER", false),
        ("closest_teammate", "Closest teammate", "link", #"{"table":"users"}"#, "INTEGER", false),
        (
            "staleness", "Staleness", "single_select", #"{"choices":["fresh","aging","stale"]}"#,
            "TEXT CHECK (staleness IN ('fresh', 'aging', 'stale'))", false
        ),
        ("first_contacted_at", "First contacted", "datetime", "{}", "TEXT", true),
        ("last_inbound_at", "Last inbound", "datetime", "{}", "TEXT", true),
        ("last_outbound_at", "Last outbound", "datetime", "{}", "TEXT", true),
        ("emails_30d", "Emails, 30 days", "number", #"{"integer":true}"#, "INTEGER NOT NULL DEFAULT 0", true),
        ("emails_90d", "Emails, 90 days", "number", #"{"integer":true}"#, "INTEGER NOT NULL DEFAULT 0", true),
    ]

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE fundraising_contacts ADD COLUMN last_contacted_at TEXT")
        try Self.add(
            "contacts",
            [("last_contacted_at", "Last contacted", "datetime", "{}", "", false)] + Self.fields,
            db
        )
        try db.execute(
            sql: """
                ALTER TABLE fundraising_investors ADD COLUMN last_contacted_entered_at TEXT;
                UPDATE fundraising_investors SET last_contacted_entered_at = last_contacted_at;
                """
        )
        try Self.add(
            "investors",
            Self.fields + [("last_contacted_entered_at", "Last contacted (entered)", "datetime", "{}", "", false)],
            db
        )
        for table in ["investors", "contacts"] {
            try db.execute(
                sql: """
                    CREATE INDEX fundraising_\(table)_last_contacted ON fundraising_\(table) (last_contacted_at)
                    WHERE deleted_at IS NULL
                    """
            )
        }
    }

    /// Adds the columns (an empty SQL type: the column exists already) and catalogs them as core
    /// fields at the end of the table's catalog. A custom field that already holds one of the keys
    /// moves to `<key>_custom`, values and views with it; a label already taken gets " (mail)".
    static func add(_ table: String, _ fields: [(String, String, String, String, String, Bool)], _ db: Database) throws
    {
        for (key, label, type, options, column, hidden) in fields {
            if !column.isEmpty {
                try db.execute(sql: "ALTER TABLE fundraising_\(table) ADD COLUMN \(key) \(column)")
            }
            // reads deleted rows: an archived custom field keeps its key, so it must move too
            if try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM fundraising_fields WHERE table_name = ? AND key = ?",
                arguments: [table, key]
            ) ?? false {
                try Self.moveCustom(table, key, db)
            }
            let taken =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT 1 FROM fundraising_fields WHERE table_name = ? AND lower(label) = lower(?)
                            AND deleted_at IS NULL
                        """,
                    arguments: [table, label]
                ) ?? false
            // reads deleted rows: archived fields keep their places
            let position =
                (try Int.fetchOne(
                    db,
                    sql: "SELECT max(position) FROM fundraising_fields WHERE table_name = ?",
                    arguments: [table]
                ) ?? -1) + 1
            try db.execute(
                sql: """
                    INSERT INTO fundraising_fields (table_name, key, label, type, options, position, hidden_by_default,
                        is_core)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [table, key, taken ? label + " (mail)" : label, type, options, position, hidden]
            )
        }
    }

    static func moveCustom(_ table: String, _ key: String, _ db: Database) throws {
        let moved = key + "_custom"
        let from = "$.\"\(key)\""
        let to = "$.\"\(moved)\""
        try db.execute(
            sql: """
                UPDATE fundraising_fields SET key = ? WHERE table_name = ? AND key = ?;
                UPDATE fundraising_\(table) SET custom = json_remove(json_set(custom, ?, json(custom -> ?)), ?)
                    WHERE json_type(custom, ?) IS NOT NULL;
                UPDATE views SET definition = replace(definition, ?, ?) WHERE table_name = ?;
                """,
            arguments: [moved, table, key, to, from, from, from, "\"\(key)\"", "\"\(moved)\"", table]
        )
    }
}

import Foundation
import GRDB

/// What captured mail says about each investor and contact, kept in read-only core columns so
/// the grid, views, filters, sorts and formulas read them like any field: first and last
/// contact, last inbound and outbound, messages over 30 and 90 days, who on the team was last in
/// touch, the closest teammate (the most recent two-way correspondence) and a staleness state.
/// An investor's "Last contacted" is the later of its mail and the date the team entered.
/// Signals are derived data, as formula results are: writing them bumps no version and adds no
/// history, and formulas that read them are recomputed with them.
public enum RelationshipSignals {
    public struct Record: Hashable, Sendable {
        public let table: RecordTable
        public let id: Int64

        public init(_ table: RecordTable, _ id: Int64) {
            self.table = table
            self.id = id
        }
    }

    public enum Staleness: String, Sendable {
        case fresh, aging, stale
    }

    public static let tables: [RecordTable] = [.investors, .contacts]

    /// The core fields computed here; a write to one is refused.
    public static let computedKeys: Set<String> = [
        "last_contacted_at", "last_contacted_by", "closest_teammate", "staleness", "first_contacted_at",
        "last_inbound_at", "last_outbound_at", "emails_30d", "emails_90d",
    ]

    /// The field a hand-entered or imported "Last contacted" goes to instead (investors only).
    public static let enteredKey = "last_contacted_entered_at"

    /// A write of an investor's "Last contacted", as clients wrote it before mail was captured,
    /// is a write of the entered date (which counts towards it).
    public static func entered(_ input: [String: JSONValue], table: RecordTable) -> [String: JSONValue] {
        guard table == .investors, let value = input["last_contacted_at"], input[Self.enteredKey] == nil else {
            return input
        }
        var moved = input
        moved["last_contacted_at"] = nil
        moved[Self.enteredKey] = value
        return moved
    }

    /// Whether `key` of `table` is computed from mail.
    public static func isComputed(_ table: RecordTable, _ key: String) -> Bool {
        Self.tables.contains(table) && Self.computedKeys.contains(key)
    }

    /// Staleness of a relationship last in touch at `last`.
    public static func staleness(_ last: Date?, at now: Date, settings: AppSettings.Values) -> Staleness? {
        guard let last else { return nil }
        let days = now.timeIntervalSince(last) / 86_400
        if days < Double(settings.integer(.stalenessAgingDays)) { return .fresh }
        if days < Double(settings.integer(.stalenessStaleDays)) { return .aging }
        return .stale
    }

    /// Computes the signals of these records again from live captured mail, and recomputes the
    /// formulas that read them.
    public static func refresh(
        _ records: Set<Record>,
        at now: Date,
        settings: AppSettings.Values,
        _ db: Database
    )
        throws
    {
        var catalogs: [RecordTable: [FieldDefinition]] = [:]
        for record in records.sorted(by: { ($0.table.rawValue, $0.id) < ($1.table.rawValue, $1.id) }) {
            guard Self.tables.contains(record.table) else { continue }
            try Self.write(record, at: now, settings: settings, db)
            if catalogs[record.table] == nil { catalogs[record.table] = try FieldDefinition.catalog(record.table, db) }
            try FormulaFields.recompute(
                record.table,
                id: record.id,
                changed: Array(Self.computedKeys),
                catalog: catalogs[record.table]!,
                at: now,
                db
            )
        }
    }

    /// Every record with captured mail: the 30- and 90-day counts and the staleness move with the
    /// clock, so crm-scheduler refreshes them in batches (`restale` then covers the rest).
    public static func linkedRecords(_ db: Database) throws -> [Record] {
        try Row.fetchAll(
            db,
            sql: "SELECT DISTINCT record_table, record_id FROM email_message_links ORDER BY record_table, record_id"
        ).compactMap { row in RecordTable(rawValue: row["record_table"]).map { Record($0, row["record_id"]) } }
    }

    /// Staleness again for every record, from its "Last contacted" (after the thresholds changed).
    public static func restale(at now: Date, settings: AppSettings.Values, _ db: Database) throws {
        let aging = ISO8601.string(now.addingTimeInterval(-Double(settings.integer(.stalenessAgingDays)) * 86_400))
        let stale = ISO8601.string(now.addingTimeInterval(-Double(settings.integer(.stalenessStaleDays)) * 86_400))
        for table in Self.tables {
            try db.execute(
                sql: """
                    UPDATE \(table.sqlTable) SET staleness = CASE WHEN last_contacted_at IS NULL THEN NULL
                        WHEN last_contacted_at > ? THEN 'fresh' WHEN last_contacted_at > ? THEN 'aging' ELSE 'stale' END
                    WHERE staleness IS NOT CASE WHEN last_contacted_at IS NULL THEN NULL
                        WHEN last_contacted_at > ? THEN 'fresh' WHEN last_contacted_at > ? THEN 'aging' ELSE 'stale' END
                    """,
                arguments: [aging, stale, aging, stale]
            )
        }
    }

    private static func write(_ record: Record, at now: Date, settings: AppSettings.Values, _ db: Database) throws {
        let linked = """
            FROM email_message_links l JOIN email_messages m ON m.id = l.message_id AND m.deleted_at IS NULL
            """
        let outbound =
            "EXISTS (SELECT 1 FROM email_participations s WHERE s.message_id = m.id AND s.direction = 'sent')"
        let arguments: StatementArguments = [record.table.rawValue, record.id]
        let totals = try Row.fetchOne(
            db,
            sql: """
                SELECT min(m.sent_at) AS first_at, max(m.sent_at) AS last_at,
                    max(CASE WHEN NOT \(outbound) THEN m.sent_at END) AS last_in,
                    max(CASE WHEN \(outbound) THEN m.sent_at END) AS last_out,
                    count(CASE WHEN m.sent_at >= ? THEN 1 END) AS in30, count(CASE WHEN m.sent_at >= ? THEN 1 END) AS in90
                \(linked) WHERE l.record_table = ? AND l.record_id = ?
                """,
            arguments: [now.addingTimeInterval(-30 * 86_400), now.addingTimeInterval(-90 * 86_400)] + arguments
        )
        let mailLastBy = try Int64.fetchOne(
            db,
            sql: """
                SELECT p.user_id \(linked) JOIN email_participations p ON p.message_id = m.id
                WHERE l.record_table = ? AND l.record_id = ?
                ORDER BY m.sent_at DESC, p.direction = 'sent' DESC, p.user_id LIMIT 1
                """,
            arguments: arguments
        )
        let mailClosest = try Row.fetchOne(
            db,
            sql: """
                SELECT p.user_id, max(m.sent_at) AS at \(linked) JOIN email_participations p ON p.message_id = m.id
                WHERE l.record_table = ? AND l.record_id = ?
                GROUP BY p.user_id HAVING max(p.direction = 'sent') = 1 AND max(NOT \(outbound)) = 1
                ORDER BY max(m.sent_at) DESC, p.user_id LIMIT 1
                """,
            arguments: arguments
        )
        // Logged communications count too: a call or a meeting is two-way by nature, a note is not.
        let logged =
            "FROM communications c WHERE c.deleted_at IS NULL AND "
            + (record.table == .investors
                ? "c.investor_id = ?"
                : "EXISTS (SELECT 1 FROM communication_contacts cc WHERE cc.communication_id = c.id AND cc.contact_id = ?)")
        let loggedLast = try Row.fetchOne(
            db,
            sql: "SELECT c.occurred_at, c.member_id \(logged) ORDER BY c.occurred_at DESC, c.id DESC LIMIT 1",
            arguments: [record.id]
        )
        let loggedFirst = try Date.fetchOne(db, sql: "SELECT min(c.occurred_at) \(logged)", arguments: [record.id])
        let loggedClosest = try Row.fetchOne(
            db,
            sql: """
                SELECT c.member_id AS user_id, max(c.occurred_at) AS at \(logged) AND c.kind != 'note' AND c.member_id IS NOT NULL
                GROUP BY c.member_id ORDER BY at DESC, c.member_id LIMIT 1
                """,
            arguments: [record.id]
        )
        let closest =
            [mailClosest, loggedClosest].compactMap { $0 }
            .max { ($0["at"] as Date, -($0["user_id"] as Int64)) < ($1["at"] as Date, -($1["user_id"] as Int64)) }?[
                "user_id"
            ]
            as Int64?
        let mailLast: Date? = totals?["last_at"]
        var last = mailLast
        var lastBy = mailLast == nil ? nil : mailLastBy
        if let row = loggedLast, let at = row["occurred_at"] as Date?, last.map({ at > $0 }) ?? true {
            last = at
            lastBy = row["member_id"]
        }
        let first = [totals?["first_at"] as Date?, loggedFirst].compactMap { $0 }.min()
        if record.table == .investors {
            // reads deleted rows: a deleted investor's signals stay current, so a restore shows them right.
            let entered = try String.fetchOne(
                db,
                sql: "SELECT last_contacted_entered_at FROM fundraising_investors WHERE id = ?",
                arguments: [record.id]
            ).flatMap(ISO8601.date)
            if let entered, last.map({ entered > $0 }) ?? true { last = entered }
        }
        func iso(_ date: Date?) -> String? { date.map(ISO8601.string) }
        try db.execute(
            sql: """
                UPDATE \(record.table.sqlTable) SET last_contacted_at = ?, last_contacted_by = ?, closest_teammate = ?,
                    staleness = ?, first_contacted_at = ?, last_inbound_at = ?, last_outbound_at = ?, emails_30d = ?,
                    emails_90d = ?
                WHERE id = ?
                """,
            arguments: [
                iso(last), lastBy, closest, Self.staleness(last, at: now, settings: settings)?.rawValue, iso(first),
                iso(totals?["last_in"]), iso(totals?["last_out"]), totals?["in30"] ?? 0, totals?["in90"] ?? 0,
                record.id,
            ]
        )
    }
}

import Foundation
import GRDB

/// Run-time settings users change through the API, kept in `app_settings` as JSON values. Every
/// key has a default, so a fresh install reads complete settings.
public enum AppSettings {
    public enum Key: String, CaseIterable, Sendable {
        case timeZone = "time_zone"
        case digestEnabled = "digest_enabled"
        case digestTime = "digest_time"
        case digestSuppressEmpty = "digest_suppress_empty"
        case gmailSyncWindowDays = "gmail_sync_window_days"
        /// The team's own mail domains; empty means the domains of the members' addresses.
        case emailTeamDomains = "email_team_domains"
        /// How much of captured mail is kept: `metadata`, `subject`, or `full` (subject and the
        /// trimmed text).
        case emailPrivacyLevel = "email_privacy_level"
        /// Addresses and domains whose mail is never captured (the team's lawyer, doctor, family).
        case emailBlocked = "email_blocked"
        /// Addresses and domains whose mail is captured as metadata only: who and when, never the
        /// subject or the text (a contact's personal matters, a sensitive counterparty).
        case emailPrivate = "email_private"
        /// Mail to more recipients than this is bulk, and never captured.
        case emailMaxRecipients = "email_max_recipients"
        /// Gmail quota units each mailbox may spend a minute (Google's table since May 2026: 6,000).
        case gmailQuotaPerMinute = "gmail_quota_per_minute"
        /// What one `messages.get` costs in those units (since May 2026: 20; before: 5).
        case gmailMessageGetUnits = "gmail_message_get_units"
        /// Days without contact after which a relationship is "aging", and "stale".
        case stalenessAgingDays = "staleness_aging_days"
        case stalenessStaleDays = "staleness_stale_days"

        public var defaultValue: JSONValue {
            switch self {
            case .timeZone: "UTC"
            case .digestEnabled: true
            case .digestTime: "07:00"
            case .digestSuppressEmpty: true
            case .gmailSyncWindowDays: 90
            case .emailTeamDomains: []
            case .emailPrivacyLevel: "full"
            case .emailBlocked: []
            case .emailPrivate: []
            case .emailMaxRecipients: 20
            case .gmailQuotaPerMinute: 6_000
            case .gmailMessageGetUnits: 20
            case .stalenessAgingDays: 30
            case .stalenessStaleDays: 60
            }
        }

        /// The value if it fits this setting, or a sentence saying what does.
        public func validate(_ value: JSONValue) -> Result<JSONValue, FieldProblem> {
            switch (self, value) {
            case (.timeZone, .string(let name)) where TimeZone(identifier: name) != nil && name.count <= 64:
                return .success(value)
            case (.timeZone, _):
                return .failure(FieldProblem("The time zone must be a name such as Europe/Zurich or America/New_York."))
            case (.digestEnabled, .bool), (.digestSuppressEmpty, .bool):
                return .success(value)
            case (.digestEnabled, _), (.digestSuppressEmpty, _):
                return .failure(FieldProblem("This setting is true or false."))
            case (.digestTime, .string(let text)) where TimeOfDay(text) != nil:
                return .success(value)
            case (.digestTime, _):
                return .failure(FieldProblem("The digest time is a 24-hour time such as 07:30."))
            case (.gmailSyncWindowDays, .number(let days)) where days == days.rounded() && (1...365).contains(days):
                return .success(value)
            case (.gmailSyncWindowDays, _):
                return .failure(FieldProblem("The sync window is a whole number of days from 1 to 365."))
            case (.emailTeamDomains, .array(let items)) where items.count <= 50:
                return Self.list(items) { EmailAddress.domain($0) }
                    .mapError { _ in FieldProblem("Each team domain is a mail domain such as fund.example.") }
            case (.emailTeamDomains, _):
                return .failure(FieldProblem("The team domains are a list of up to 50 mail domains."))
            case (.emailBlocked, .array(let items)) where items.count <= 1000:
                return Self.list(items, EmailAddress.listEntry)
                    .mapError { _ in FieldProblem("Each blocked entry is an email address or a mail domain.") }
            case (.emailBlocked, _):
                return .failure(FieldProblem("The blocked list holds up to 1,000 addresses and domains."))
            case (.emailPrivate, .array(let items)) where items.count <= 1000:
                return Self.list(items, EmailAddress.listEntry)
                    .mapError { _ in FieldProblem("Each private entry is an email address or a mail domain.") }
            case (.emailPrivate, _):
                return .failure(FieldProblem("The private list holds up to 1,000 addresses and domains."))
            case (.emailPrivacyLevel, .string(let level)) where ["metadata", "subject", "full"].contains(level):
                return .success(value)
            case (.emailPrivacyLevel, _):
                return .failure(FieldProblem("The privacy level is metadata, subject or full."))
            case (.emailMaxRecipients, .number(let count)) where count == count.rounded() && (2...500).contains(count):
                return .success(value)
            case (.emailMaxRecipients, _):
                return .failure(FieldProblem("The recipient limit is a whole number from 2 to 500."))
            case (.gmailQuotaPerMinute, .number(let units))
            where units == units.rounded() && (100...1_200_000).contains(units):
                return .success(value)
            case (.gmailQuotaPerMinute, _):
                return .failure(
                    FieldProblem("The Gmail quota is a whole number of units a minute from 100 to 1,200,000.")
                )
            case (.gmailMessageGetUnits, .number(let units))
            where units == units.rounded() && (1...100).contains(units):
                return .success(value)
            case (.gmailMessageGetUnits, _):
                return .failure(FieldProblem("A message read costs a whole number of units from 1 to 100."))
            // One `where` per pattern: a clause after two patterns guards the last one only.
            case (.stalenessAgingDays, .number(let days)) where days == days.rounded() && (1...3650).contains(days):
                return .success(value)
            case (.stalenessStaleDays, .number(let days)) where days == days.rounded() && (1...3650).contains(days):
                return .success(value)
            case (.stalenessAgingDays, _), (.stalenessStaleDays, _):
                return .failure(FieldProblem("Staleness is counted in whole days from 1 to 3,650."))
            }
        }

        /// A list of strings, each normalised by `normalize` (nil: refused), duplicates dropped.
        private static func list(
            _ items: [JSONValue],
            _ normalize: (String) -> String?
        ) -> Result<JSONValue, FieldProblem> {
            var kept: [String] = []
            for item in items {
                guard case .string(let text) = item, let normal = normalize(text) else {
                    return .failure(FieldProblem(""))
                }
                if !kept.contains(normal) { kept.append(normal) }
            }
            return .success(.array(kept.map(JSONValue.string)))
        }
    }

    /// Every setting, stored or default.
    public static func all(_ db: Database) throws -> [String: JSONValue] {
        var values = Dictionary(uniqueKeysWithValues: Key.allCases.map { ($0.rawValue, $0.defaultValue) })
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM app_settings") {
            let key: String = row["key"]
            if Key(rawValue: key) != nil, let value = JSONValue.decode(row["value"]) { values[key] = value }
        }
        return values
    }

    /// Every setting, read once, for typed reads.
    public static func values(_ db: Database) throws -> Values { Values(try Self.all(db)) }

    /// Settings as read in one go; each typed read falls back to the setting's default when the
    /// stored value has another shape.
    public struct Values: Sendable {
        let values: [String: JSONValue]

        init(_ values: [String: JSONValue]) { self.values = values }

        private func value(_ key: Key) -> JSONValue { self.values[key.rawValue] ?? key.defaultValue }

        public func integer(_ key: Key) -> Int {
            if case .number(let number) = self.value(key) { return Int(number) }
            if case .number(let number) = key.defaultValue { return Int(number) }
            return 0
        }

        public func string(_ key: Key) -> String {
            if case .string(let text) = self.value(key) { return text }
            if case .string(let text) = key.defaultValue { return text }
            return ""
        }

        /// A list setting's strings (others in it left out).
        public func strings(_ key: Key) -> [String] {
            guard case .array(let items) = self.value(key) else { return [] }
            return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
    }

    /// The team's time zone (the `time_zone` setting), UTC until one is chosen.
    public static func timeZone(_ db: Database) throws -> TimeZone {
        TimeZone(identifier: try Self.timeZoneName(db)) ?? TimeZone(identifier: "UTC")!
    }

    /// The setting's name as stored (Foundation reports UTC as "GMT").
    public static func timeZoneName(_ db: Database) throws -> String {
        guard case .string(let name)? = try Self.all(db)[Key.timeZone.rawValue], TimeZone(identifier: name) != nil
        else { return "UTC" }
        return name
    }

    /// Validates every change first; writes all or nothing.
    public static func update(_ changes: [String: JSONValue], by userId: Int64?, at now: Date, _ db: Database) throws {
        var problems: [String: String] = [:]
        var valid: [(Key, JSONValue)] = []
        for (name, value) in changes {
            guard let key = Key(rawValue: name) else {
                problems[String(name.prefix(64))] = "There is no such setting."
                continue
            }
            switch key.validate(value) {
            case .success(let value): valid.append((key, value))
            case .failure(let problem): problems[name] = problem.message
            }
        }
        if !problems.isEmpty { throw RecordStoreError.invalid(problems) }
        for (key, value) in valid {
            try db.execute(
                sql: """
                    INSERT INTO app_settings (key, value, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                        updated_by = excluded.updated_by
                    """,
                arguments: [key.rawValue, JSONValue.encode(value), now, now, userId]
            )
        }
        if valid.contains(where: { [.emailPrivacyLevel, .emailPrivate].contains($0.0) }) {
            try CaptureStore.narrow(settings: try Self.values(db), at: now, db)
        }
        if valid.contains(where: { [.stalenessAgingDays, .stalenessStaleDays].contains($0.0) }) {
            let settings = try Self.values(db)
            guard settings.integer(.stalenessAgingDays) < settings.integer(.stalenessStaleDays) else {
                let problem = "A relationship turns aging before it turns stale: fewer days for aging than for stale."
                throw RecordStoreError.invalid(
                    Dictionary(
                        uniqueKeysWithValues: valid.map(\.0).filter {
                            [.stalenessAgingDays, .stalenessStaleDays].contains($0)
                        }
                        .map { ($0.rawValue, problem) }
                    )
                )
            }
            try RelationshipSignals.restale(at: now, settings: settings, db)
        }
    }
}

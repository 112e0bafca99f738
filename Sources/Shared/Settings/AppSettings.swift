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

        public var defaultValue: JSONValue {
            switch self {
            case .timeZone: "UTC"
            case .digestEnabled: true
            case .digestTime: "07:00"
            case .digestSuppressEmpty: true
            case .gmailSyncWindowDays: 30
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
            }
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
    }
}

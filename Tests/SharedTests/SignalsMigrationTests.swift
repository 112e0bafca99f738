import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// Migration 016 keeps everything the team had: hand-kept "Last contacted" dates become the
/// entered date, and a custom field already holding a signal's key moves aside with its values
/// and the views that name it.
struct SignalsMigrationTests {
    @Test func enteredDatesAndACollidingCustomFieldSurviveTheMigration() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let database = try AppDatabase.open(path: directory.path + "/crm.sqlite")
        try Migrations.migrator.migrate(database.pool, upTo: Migration015EmailRetries.identifier)
        try database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO fundraising_fields (table_name, key, label, type, options, position)
                        VALUES ('contacts', 'staleness', 'Staleness', 'text', '{}', 50);
                    INSERT INTO fundraising_contacts (id, name, custom) VALUES (1, 'Jane', '{"staleness":"warm","other":[1,2]}');
                    INSERT INTO fundraising_investors (id, name, last_contacted_at) VALUES (1, 'Alder', '2026-06-12T09:00:00Z');
                    INSERT INTO views (table_name, name, scope, definition)
                        VALUES ('contacts', 'Warm', 'shared', '{"v":1,"filter":{"conjunction":"and","conditions":[{"field":"staleness","operator":"is","value":"warm"}]}}');
                    """
            )
        }
        try database.migrate()
        let (fields, custom, entered, view) = try database.pool.read { db in
            (
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT key, label, is_core FROM fundraising_fields WHERE table_name = 'contacts' AND key LIKE 'staleness%' ORDER BY key"
                ).map { "\($0["key"] as String)|\($0["label"] as String)|\($0["is_core"] as Int)" },
                try String.fetchOne(db, sql: "SELECT custom FROM fundraising_contacts WHERE id = 1"),
                try Row.fetchOne(
                    db,
                    sql: "SELECT last_contacted_at, last_contacted_entered_at FROM fundraising_investors WHERE id = 1"
                ),
                try String.fetchOne(db, sql: "SELECT definition FROM views WHERE name = 'Warm'")
            )
        }
        #expect(fields == ["staleness|Staleness (mail)|1", "staleness_custom|Staleness|0"])
        #expect(JSONValue.decode(custom ?? "") == ["staleness_custom": "warm", "other": [1, 2]])
        #expect(entered?["last_contacted_entered_at"] as String? == "2026-06-12T09:00:00Z")
        #expect(entered?["last_contacted_at"] as String? == "2026-06-12T09:00:00Z")
        #expect(view?.contains(#""field":"staleness_custom""#) == true)
    }
}

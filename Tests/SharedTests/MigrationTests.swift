import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

@Suite struct MigrationTests {
    @Test func migrationsFromAnEmptyFileCreateTheFoundationTables() async throws {
        let directory = try TemporaryDirectory()
        let database = try AppDatabase.open(path: directory.path + "/crm.sqlite")
        #expect(try await database.schemaStatus() == .behind(pending: Migrations.identifiers))

        try database.migrate()

        let tables = try await database.pool.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.isSuperset(of: ["users", "daemon_status", "app_settings", "fundraising_state"]))
        #expect(try await database.schemaStatus() == .current)
        let version = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state")
        }
        #expect(version == 0)
    }

    @Test func runningMigrationsTwiceIsANoOp() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let schemaBefore = try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        try database.migrate()
        let reopened = try AppDatabase.open(path: database.path)
        try reopened.migrate()
        let schemaAfter = try await reopened.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schemaBefore == schemaAfter)
        let stateRows = try await reopened.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_state")
        }
        #expect(stateRows == 1)
    }

    @Test func aDatabaseFromANewerBinaryIsReportedAhead() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('999-from-the-future')")
        }
        #expect(try await database.schemaStatus() == .ahead(unknown: ["999-from-the-future"]))
    }

    @Test func connectionsUseWALNormalSyncForeignKeysAndABusyTimeout() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let (journal, synchronous, foreignKeys, busyTimeout) = try await database.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 1)
        #expect(foreignKeys == 1)
        #expect(busyTimeout == 5000)
        let mode = try FileManager.default.attributesOfItem(atPath: database.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func enumColumnsAndKeysAreEnforcedByTheSchema() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        func insertUser(_ email: String, role: String = "member", deleted: Bool = false) async throws {
            try await database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO users (email, name, role, password_hash, deleted_at) VALUES (?, 'N', ?, 'h', ?)",
                    arguments: [email, role, deleted ? "2026-01-01 00:00:00.000" : nil]
                )
            }
        }
        try await insertUser("ada@example.com")
        await #expect(throws: DatabaseError.self) { try await insertUser("ADA@Example.com") }
        await #expect(throws: DatabaseError.self) { try await insertUser("bob@example.com", role: "owner") }
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO daemon_status (name, pid, version, status, started_at, last_beat_at) VALUES ('crm-evil', 1, 'v', 'running', 'x', 'x')"
                )
            }
        }
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in try db.execute(sql: "INSERT INTO fundraising_state (id) VALUES (2)") }
        }
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO app_settings (key, value) VALUES ('k', 'not json')")
            }
        }
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO app_settings (key, value, updated_by) VALUES ('k', '1', 4242)")
            }
        }
        // An archived account's address can be given to a new one.
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE users SET deleted_at = '2026-01-01 00:00:00.000' WHERE email = 'ada@example.com'"
            )
        }
        try await insertUser("Ada@example.com")
        let live = try await database.pool.read { db in try User.all().live().fetchCount(db) }
        #expect(live == 1)
    }
}

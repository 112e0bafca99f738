import Foundation
import GRDB
import Logging
import SharedTesting
import Testing

@testable import Shared
@testable import crm_backup

@Suite struct RestoreTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let database: AppDatabase
        let store: RecordStore
        let runner: BackupJobRunner

        init() throws {
            self.directory = try TemporaryDirectory()
            self.database = try self.directory.migratedDatabase()
            self.store = RecordStore(database: self.database)
            self.runner = BackupJobRunner(
                database: self.database,
                dataDir: self.directory.path,
                logger: Logger(label: "test"),
                now: { Date() }
            )
        }

        func job(_ kind: BackupJob.Kind, restoreFrom: Int64? = nil) async throws -> BackupJob {
            let id = try await self.database.pool.write { db in
                try BackupJob.enqueue(kind, restoreFrom: restoreFrom, by: nil, at: Date(), db)
            }
            await self.runner.drain()
            return try #require(
                try await self.database.pool.read { db in
                    try BackupJob.fetchOne(db, key: id)
                }
            )
        }

        func names() async throws -> [String] {
            try await self.database.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM fundraising_investors WHERE deleted_at IS NULL ORDER BY name"
                )
            }
        }

        func count(_ sql: String) async throws -> Int {
            try await self.database.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
        }
    }

    @Test func restoreBringsBackTheRecordsKeepsAccountsAndTheSafetyBackupUndoesIt() async throws {
        let fixture = try Fixture()
        let acme = try await fixture.store.create(.investors, fields: ["name": "Acme"], by: nil)
        _ = try await fixture.store.create(.investors, fields: ["name": "Beta"], by: nil)
        let backup = try await fixture.job(.manual)
        let backupId = try #require(backup.backupId)

        // After the backup: a new investor, an archived one, a renamed one, a new user and session.
        _ = try await fixture.store.create(.investors, fields: ["name": "Gamma"], by: nil)
        try await fixture.store.delete(.investors, id: acme.id + 1, by: nil)
        _ = try await fixture.store.update(
            .investors,
            id: acme.id,
            expectedVersion: acme.version,
            fields: ["name": "Acme Renamed"],
            by: nil
        )
        try await fixture.database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (email, name, role, password_hash) VALUES ('new@example.com', 'New', 'admin', 'x')"
            )
        }
        let versionBefore = try await fixture.count("SELECT version FROM fundraising_state")
        #expect(try await fixture.names() == ["Acme Renamed", "Gamma"])

        let restore = try await fixture.job(.restore, restoreFrom: backupId)
        #expect(restore.status == .succeeded, "\(restore.error ?? "")")
        #expect(try await fixture.names() == ["Acme", "Beta"])
        #expect(
            try await fixture.count("SELECT count(*) FROM users WHERE email = 'new@example.com'") == 1,
            "accounts are kept"
        )
        #expect(try await fixture.count("SELECT version FROM fundraising_state") == versionBefore + 1)
        #expect(
            try await fixture.count("SELECT count(*) FROM record_history WHERE record_id = 3") == 0,
            "history is the backup's"
        )

        let safetyId = try #require(restore.safetyBackupId)
        let safety = try #require(
            try await fixture.database.pool.read { db in try BackupRecord.fetchOne(db, key: safetyId) }
        )
        #expect(safety.kind == .safety && safety.verifyOk == true)
        #expect(
            try await fixture.count("SELECT count(*) FROM backups WHERE deleted_at IS NULL") == 2,
            "the catalogue still knows both"
        )

        // A new record after the restore gets an id never used before.
        let delta = try await fixture.store.create(.investors, fields: ["name": "Delta"], by: nil)
        #expect(delta.id == 4)

        let undo = try await fixture.job(.restore, restoreFrom: safetyId)
        #expect(undo.status == .succeeded)
        #expect(try await fixture.names() == ["Acme Renamed", "Gamma"])
        var filter = ActivityFeed.Filter()
        filter.types = [.backup]
        let feed = try await fixture.database.pool.read { [filter] db in
            try ActivityFeed.page(filter, limit: 20, after: nil, db).entries
        }
        #expect(feed.filter { $0.action == "restore" }.count == 2)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path + "/backups").allSatisfy {
                !$0.hasPrefix(".restore-")
            }
        )
    }

    @Test func aCorruptedBackupIsNotRestoredAndNothingChanges() async throws {
        let fixture = try Fixture()
        _ = try await fixture.store.create(.investors, fields: ["name": "Acme"], by: nil)
        let backupId = try #require(try await fixture.job(.manual).backupId)
        _ = try await fixture.store.create(.investors, fields: ["name": "Later"], by: nil)
        let backup = try #require(
            try await fixture.database.pool.read { db in try BackupRecord.fetchOne(db, key: backupId) }
        )
        let path = fixture.directory.path + "/backups/" + backup.fileName
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in stride(from: 4096, to: min(bytes.count, 4096 * 8), by: 97) { bytes[offset] ^= 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))

        let restore = try await fixture.job(.restore, restoreFrom: backupId)
        #expect(restore.status == .failed)
        #expect(restore.error == "The backup failed verification and was not restored.")
        #expect(restore.safetyBackupId == nil)
        #expect(try await fixture.names() == ["Acme", "Later"])
    }

    @Test func theRestoreIsOneTransactionAgainstTheLiveSchema() async throws {
        let fixture = try Fixture()
        let scratch = fixture.directory.path + "/scratch.sqlite"
        let other = try DatabaseQueue(path: scratch)
        try Migrations.migrator.migrate(other)
        // A commitment pointing at an investor that does not exist: the foreign key check at
        // commit refuses the whole copy.
        try await other.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "INSERT INTO fundraising_funds (id, name) VALUES (1, 'Fund I')")
            try db.execute(sql: "INSERT INTO fundraising_commitments (id, investor_id, fund_id) VALUES (1, 99, 1)")
        }
        try other.close()
        _ = try await fixture.store.create(.investors, fields: ["name": "Acme"], by: nil)
        await #expect(throws: (any Error).self) {
            try await BackupRestore.copy(fromPreparedCopy: scratch, into: fixture.database, by: nil, now: Date())
        }
        #expect(try await fixture.names() == ["Acme"])
        #expect(try await fixture.count("SELECT count(*) FROM fundraising_funds") == 0)
    }
}

import Foundation
import GRDB
import Logging
import SharedTesting
import Testing

@testable import Shared
@testable import crm_backup

@Suite struct BackupRunnerTests {
    func runner(_ directory: TemporaryDirectory, _ database: AppDatabase, now: Date = Date()) -> BackupJobRunner {
        BackupJobRunner(database: database, dataDir: directory.path, logger: Logger(label: "test"), now: { now })
    }

    func queue(_ database: AppDatabase, _ kind: BackupJob.Kind = .manual) async throws -> Int64 {
        try await database.pool.write { db in try BackupJob.enqueue(kind, by: nil, at: Date(), db) }
    }

    @Test func aBackupIsCataloguedVerifiedAndHoldsTheData() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        _ = try await RecordStore(database: database).create(.investors, fields: ["name": "Acme"], by: nil)
        let jobId = try await self.queue(database)

        await self.runner(directory, database).drain()

        let job = try #require(try await database.pool.read { db in try BackupJob.fetchOne(db, key: jobId) })
        #expect(job.status == .succeeded)
        let backup = try #require(
            try await database.pool.read { db in try BackupRecord.fetchOne(db, sql: "SELECT * FROM backups") }
        )
        #expect(backup.id == job.backupId)
        #expect(backup.fileName.hasPrefix("crm-") && backup.fileName.hasSuffix("-manual.sqlite"))
        #expect(backup.verifyOk == true)
        #expect(backup.schemaVersion == Migrations.identifiers.last)
        #expect(backup.rowCounts.contains(#""investors":1"#))
        let path = directory.path + "/backups/" + backup.fileName
        #expect(try BackupFiles.sha256(path: path) == backup.sha256)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let copy = try DatabaseQueue(path: path)
        #expect(
            try await copy.read { db in try String.fetchOne(db, sql: "SELECT name FROM fundraising_investors") }
                == "Acme"
        )
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path + "/backups").allSatisfy {
                !$0.hasSuffix(".partial")
            }
        )
    }

    @Test func aCorruptedBackupFailsVerification() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        _ = try await self.queue(database)
        await self.runner(directory, database).drain()
        let backup = try #require(
            try await database.pool.read { db in try BackupRecord.fetchOne(db, sql: "SELECT * FROM backups") }
        )
        let path = directory.path + "/backups/" + backup.fileName

        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in stride(from: 4096, to: min(bytes.count, 4096 * 8), by: 97) { bytes[offset] ^= 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))

        let (updated, checks) = try #require(
            try await BackupVerifier.verify(
                backupId: backup.id,
                database: database,
                directory: directory.path + "/backups",
                now: Date()
            )
        )
        #expect(updated.verifyOk == false)
        #expect(checks.first { $0.name == "checksum" }?.ok == false)
        #expect(updated.verifiedAt != nil)

        try FileManager.default.removeItem(atPath: path)
        let missing = BackupVerifier.checks(for: backup, directory: directory.path + "/backups")
        #expect(missing == [BackupVerifier.Check(name: "file", ok: false, message: "The backup file is missing.")])
    }

    @Test func theNightlyBackupIsQueuedOncePerDayAfterItsTime() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE backup_policy SET time_of_day = '02:30', time_zone = 'Europe/Zurich'")
        }
        let before = ISO8601DateFormatter().date(from: "2026-11-23T01:00:00Z")!  // 02:00 in Zurich
        try await self.runner(directory, database, now: before).scheduleIfDue()
        #expect(try await database.pool.read { db in try BackupJob.fetchCount(db) } == 0)

        let after = ISO8601DateFormatter().date(from: "2026-11-23T05:00:00Z")!
        try await self.runner(directory, database, now: after).scheduleIfDue()
        try await self.runner(directory, database, now: after.addingTimeInterval(3600)).scheduleIfDue()
        let jobs = try await database.pool.read { db in try BackupJob.fetchAll(db, sql: "SELECT * FROM backup_jobs") }
        #expect(jobs.map(\.scheduledFor) == ["2026-11-23"])
        #expect(jobs.map(\.kind) == [.scheduled])

        try await database.pool.write { db in try db.execute(sql: "UPDATE backup_policy SET enabled = 0") }
        try await self.runner(directory, database, now: after.addingTimeInterval(86_400)).scheduleIfDue()
        #expect(try await database.pool.read { db in try BackupJob.fetchCount(db) } == 1)
    }

    @Test func aJobWhoseRunnerDiedIsTakenUpAgainAfterItsLease() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let start = Date()
        let jobId = try await self.queue(database)
        let claimed = await self.runner(directory, database, now: start).claim()
        #expect(claimed?.id == jobId)
        // The process dies here; until the lease ends nobody takes the job.
        #expect(await self.runner(directory, database, now: start.addingTimeInterval(60)).claim() == nil)
        let later = self.runner(directory, database, now: start.addingTimeInterval(BackupJobRunner.lease + 1))
        await later.drain()
        let status = try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM backup_jobs WHERE id = ?", arguments: [jobId])
        }
        #expect(status == "succeeded")
    }
}

@Suite struct LeftoverFilesTests {
    /// Regression: a crm-backup killed mid-copy left `<name>.partial-journal` behind; it was never
    /// cleaned up, and a new copy under the same name would have had it rolled back into it.
    @Test func leftoversOfACrashAreRemovedAndAStaleJournalCannotSpoilTheNextBackup() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        _ = try await RecordStore(database: database).create(.investors, fields: ["name": "Acme"], by: nil)
        let backups = try BackupFiles.directory(dataDir: directory.path)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let name = BackupFiles.fileName(at: now, kind: .manual)
        for leftover in [
            name + ".partial", name + ".partial-journal", ".restore-3.sqlite", ".restore-3.sqlite-journal",
        ] {
            try Data(repeating: 0xAB, count: 4096).write(to: URL(fileURLWithPath: backups + "/" + leftover))
        }
        try Data("keep".utf8).write(to: URL(fileURLWithPath: backups + "/crm-20260101T000000Z-manual.sqlite"))
        BackupFiles.removePartials(in: backups)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups) == ["crm-20260101T000000Z-manual.sqlite"])

        // A stale journal appearing beside the next copy's name is removed before the copy starts.
        try Data(repeating: 0xCD, count: 4096).write(
            to: URL(fileURLWithPath: backups + "/" + name + ".partial-journal")
        )
        _ = try await database.pool.write { db in try BackupJob.enqueue(.manual, by: nil, at: now, db) }
        await BackupJobRunner(database: database, dataDir: directory.path, logger: Logger(label: "test"), now: { now })
            .drain()
        let backup = try #require(
            try await database.pool.read { db in try BackupRecord.fetchOne(db, sql: "SELECT * FROM backups") }
        )
        #expect(backup.verifyOk == true && backup.fileName == name)
        #expect(!FileManager.default.fileExists(atPath: backups + "/" + name + ".partial-journal"))
    }
}

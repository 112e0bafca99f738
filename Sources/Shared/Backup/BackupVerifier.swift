import Foundation
import GRDB
import NIOPosix

/// Checks that a catalogued backup would restore: the file is there, its SHA-256 matches the
/// catalogue, SQLite finds it intact on a read-only open, and its schema is one this CRM knows.
public enum BackupVerifier {
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var ok: Bool
        public var message: String
    }

    public static func checks(for backup: BackupRecord, directory: String) -> [Check] {
        let path = directory + "/" + backup.fileName
        guard FileManager.default.fileExists(atPath: path) else {
            return [Check(name: "file", ok: false, message: "The backup file is missing.")]
        }
        var checks = [Check(name: "file", ok: true, message: "The file is present.")]
        let digest = (try? BackupFiles.sha256(path: path)) ?? ""
        checks.append(
            digest == backup.sha256
                ? Check(name: "checksum", ok: true, message: "SHA-256 matches the catalogue.")
                : Check(name: "checksum", ok: false, message: "SHA-256 differs from the catalogue: the file changed.")
        )
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let (integrity, applied) = try queue.read { db in
                (
                    try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                    try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations")
                )
            }
            try queue.close()
            checks.append(
                integrity == ["ok"]
                    ? Check(name: "integrity", ok: true, message: "SQLite's integrity check passes.")
                    : Check(name: "integrity", ok: false, message: "SQLite's integrity check fails.")
            )
            let unknown = applied.subtracting(Migrations.identifiers)
            checks.append(
                unknown.isEmpty && applied.contains(backup.schemaVersion)
                    ? Check(name: "schema", ok: true, message: "Schema \(backup.schemaVersion) is known.")
                    : Check(name: "schema", ok: false, message: "The schema is not one this version of the CRM knows.")
            )
        } catch {
            checks.append(Check(name: "integrity", ok: false, message: "SQLite cannot open the file as a database."))
        }
        return checks
    }

    /// Runs the checks and stores the result and time in the catalogue. The checks read the
    /// whole file twice (hash, integrity check), so they run on NIO's blocking pool, never on a
    /// thread of the cooperative pool every request shares.
    public static func verify(
        backupId: Int64,
        database: AppDatabase,
        directory: String,
        now: Date
    ) async throws -> (
        BackupRecord, [Check]
    )? {
        guard
            let backup = try await database.pool.read({ db in
                try BackupRecord.fetchOne(
                    db,
                    sql: "SELECT * FROM backups WHERE id = ? AND deleted_at IS NULL",
                    arguments: [backupId]
                )
            })
        else { return nil }
        let checks = try await NIOThreadPool.singleton.runIfActive { Self.checks(for: backup, directory: directory) }
        let ok = checks.allSatisfy(\.ok)
        let encoded = String(decoding: try JSONEncoder().encode(checks), as: UTF8.self)
        let updated = try await database.pool.write { db in
            try db.execute(
                sql:
                    "UPDATE backups SET verified_at = ?, verify_ok = ?, verify_checks = ?, updated_at = ? WHERE id = ?",
                arguments: [now, ok, encoded, now, backupId]
            )
            // reads deleted rows: the entry this verification just updated
            return try BackupRecord.fetchOne(db, sql: "SELECT * FROM backups WHERE id = ?", arguments: [backupId])!
        }
        return (updated, checks)
    }
}

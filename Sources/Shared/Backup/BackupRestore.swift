import Foundation
import GRDB

/// Copies a backup's data back into the live database, in one transaction, without swapping
/// files under the other daemons' open connections: they see the restored rows on their next read.
///
/// What is restored is the fund's data: the four record tables, the field catalog, the record
/// history, the saved views and the Airtable record ids of imported records. What stays as it is: accounts, sessions, API tokens and invites
/// (the admin who restores stays signed in, and nobody's newer password or revoked session comes
/// back), the mail queue (mail already sent is not sent again), the backup catalogue and policy
/// (the catalogue still knows every file, the safety backup included), past import runs, settings
/// and feature requests. The grid's global version moves on so every client reloads.
public enum BackupRestore {
    /// Parents before children: deleted in reverse, inserted in this order.
    public static let restoredTables = [
        "fundraising_fields", "fundraising_investors", "fundraising_funds", "fundraising_contacts",
        "fundraising_commitments", "record_history", "views", "import_record_ids",
    ]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case newerSchema(String)
        case missingTable(String)

        public var description: String {
            switch self {
            case .newerSchema(let version): "The backup was made by a newer version of the CRM (schema \(version))."
            case .missingTable(let table): "The backup has no \(table) table."
            }
        }
    }

    /// Copies a backup file to `scratch` (owner-only) and prepares it (see `prepare`); the copy
    /// is what a restore reads, so the catalogued file's bytes never change.
    public static func prepareCopy(of backupPath: String, at scratch: String) throws {
        BackupFiles.removeDatabaseFile(scratch)
        try FileManager.default.copyItem(atPath: backupPath, toPath: scratch)
        chmod(scratch, 0o600)
        try Self.prepare(scratchPath: scratch)
    }

    /// Brings a scratch copy of a backup to this binary's schema (a backup from an older
    /// version is migrated; one from a newer version is refused).
    public static func prepare(scratchPath: String) throws {
        let queue = try DatabaseQueue(path: scratchPath)
        defer { try? queue.close() }
        let status = try queue.read { db in try SchemaStatus(db, migrator: Migrations.migrator) }
        if case .ahead(let unknown) = status { throw Failure.newerSchema(unknown.sorted().last ?? "unknown") }
        try Migrations.migrator.migrate(queue)
    }

    /// Replaces the live data with the prepared copy's; returns the live row counts per table.
    @discardableResult
    public static func copy(
        fromPreparedCopy path: String,
        into database: AppDatabase,
        by userId: Int64?,
        now: Date
    ) async throws
        -> [String: Int]
    {
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS restore_source", arguments: [path])
            defer { try? db.execute(sql: "DETACH DATABASE restore_source") }
            var counts: [String: Int] = [:]
            try db.inTransaction(.immediate) {
                // Checked once, at commit: a violation rolls the whole restore back.
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                for table in Self.restoredTables.reversed() {
                    try db.execute(sql: "DELETE FROM main.\(table)")
                }
                for table in Self.restoredTables {
                    let columns = try db.columns(in: table, in: "main").map { "\"\($0.name)\"" }.joined(separator: ", ")
                    guard try db.tableExists(table, in: "restore_source") else { throw Failure.missingTable(table) }
                    try db.execute(
                        sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM restore_source.\(table)"
                    )
                    counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.\(table)")
                }
                try db.execute(
                    sql:
                        "UPDATE fundraising_state SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = 1",
                    arguments: [now, userId]
                )
                return .commit
            }
            return counts
        }
    }
}

import Foundation
import GRDB

/// The CRM's one SQLite database, shared by the four daemons (docs/ARCHITECTURE.md §2).
///
/// Each process opens one `DatabasePool` in WAL mode with `synchronous=NORMAL`, foreign keys on
/// and a busy timeout, so writers from other processes wait rather than fail. GRDB opens every
/// `write` as `BEGIN IMMEDIATE`, so the timeout covers the whole write.
public struct AppDatabase: Sendable {
    /// The pool; `write` for short immediate transactions, `read` for snapshots.
    public let pool: DatabasePool
    public let path: String

    /// How long a writer waits for another process's write lock before `SQLITE_BUSY`.
    public static let busyTimeout: TimeInterval = 5

    /// Opens (creating if needed) the database file; its directory is created owner-only.
    public static func open(path: String) throws -> AppDatabase {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        // Opening switches a new file to WAL, which needs an exclusive lock that SQLite refuses at
        // once ("database is locked", no busy wait) while another process is opening it too:
        // opens are serialised across processes by the same lock the migrators take.
        let pool = try FileLock.withExclusiveLock(path: path + ".migrate-lock") {
            try DatabasePool(path: path, configuration: Self.makeConfiguration())
        }
        // The file holds investors' personal data: owner-only. SQLite gives -wal/-shm the same mode.
        chmod(path, 0o600)
        return AppDatabase(pool: pool, path: path)
    }

    /// The single place connection options are set.
    public static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            db.add(function: ViewText.sqlFunction)
        }
        return configuration
    }

    /// Applies pending migrations. A lock file beside the database serialises migrators (and
    /// opens) in different processes (the entrypoint's `crm-api migrate` and crm-api's own start).
    public func migrate() throws {
        try FileLock.withExclusiveLock(path: self.path + ".migrate-lock") {
            try Migrations.migrator.migrate(self.pool)
        }
    }

    /// Whether this binary's migrations match the file exactly.
    public func schemaStatus() async throws -> SchemaStatus {
        try await self.pool.read { db in try SchemaStatus(db, migrator: Migrations.migrator) }
    }
}

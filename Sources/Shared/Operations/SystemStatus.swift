import Foundation
import GRDB

/// What an admin looks at when something seems stuck: each daemon's heartbeat, what waits in the
/// queues, and the newest backup.
public struct SystemStatus: Sendable {
    /// One daemon and how it is: `running`, `silent` (running but its heartbeat is late: hung or
    /// killed), `stopped`, or `never_started` (no row).
    public struct Daemon: Sendable {
        public var name: DaemonName
        public var state: String
        public var row: DaemonStatus?
    }

    public var daemons: [Daemon]
    /// Counts per status: `mail` (queued, sending, failed, dead, and `sent_last_day`),
    /// `backup_jobs` and `formula_jobs` (still to do).
    public var queues: [String: [String: Int]]
    public var lastBackup: BackupRecord?
    public var lastFailedBackupJob: Date?
    /// The synced mailboxes, each with `stalled` when it has had no good sync for three intervals.
    public var mailboxes: [(account: EmailAccount, stalled: Bool)]

    /// Read in one snapshot; a heartbeat older than `late` makes its daemon `silent`, and a
    /// mailbox without a good sync for three `syncInterval`s (since sync was turned on, for one
    /// that never had one) is `stalled`.
    public static func read(
        now: Date,
        late: TimeInterval,
        syncInterval: TimeInterval,
        _ db: Database
    ) throws
        -> SystemStatus
    {
        let rows = try DaemonStatus.fetchAll(db)
        let daemons = DaemonName.allCases.map { name -> Daemon in
            guard let row = rows.first(where: { $0.name == name }) else {
                return Daemon(name: name, state: "never_started", row: nil)
            }
            let state =
                row.status == .stopped ? "stopped" : now.timeIntervalSince(row.lastBeatAt) > late ? "silent" : "running"
            return Daemon(name: name, state: state, row: row)
        }
        var queues: [String: [String: Int]] = [:]
        queues["mail"] = try Self.counts(
            db,
            sql:
                "SELECT status, count(*) FROM outbound_mail WHERE status <> 'sent' AND deleted_at IS NULL GROUP BY status"
        )
        queues["mail"]?["sent_last_day"] = try OutboundMail.all().live()
            .filter(Column("status") == "sent" && Column("sent_at") >= now.addingTimeInterval(-86400)).fetchCount(db)
        queues["backup_jobs"] = try Self.counts(
            db,
            sql: "SELECT status, count(*) FROM backup_jobs WHERE status IN ('queued', 'running') GROUP BY status"
        )
        queues["formula_jobs"] = try Self.counts(
            db,
            sql: "SELECT status, count(*) FROM formula_jobs WHERE status = 'running' GROUP BY status"
        )
        return SystemStatus(
            daemons: daemons,
            queues: queues,
            lastBackup: try BackupRecord.newest(db),
            lastFailedBackupJob: try Date.fetchOne(
                db,
                sql: "SELECT max(updated_at) FROM backup_jobs WHERE status = 'failed'"
            ),
            mailboxes: try EmailAccountStore.synced(db).map { account in
                let since = try account.lastSyncAt ?? EmailAccountStore.syncTurnedOnAt(account.userId, db) ?? now
                return (account, now.timeIntervalSince(since) > 3 * syncInterval)
            }
        )
    }

    private static func counts(_ db: Database, sql: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql) { counts[row[0]] = row[1] }
        return counts
    }
}

import Foundation
import GRDB
import Hummingbird
import Shared

/// `GET /api/admin/status`: whether each daemon is alive (from its heartbeat row), what waits in
/// the queues, and the newest backup — what an admin looks at when something seems stuck.
struct AdminStatusController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/admin/status", .admin, use: self.status)
    }

    /// One daemon: `running`, `silent` (running but its heartbeat is late: hung or killed),
    /// `stopped`, or `never_started`.
    struct Daemon: Encodable {
        let name: String
        let state: String
        let pid: Int64?
        let version: String?
        let startedAt: Date?
        let lastBeatAt: Date?
        let stoppedAt: Date?
        let figures: JSONValue

        enum CodingKeys: String, CodingKey {
            case name, state, pid, version, figures
            case startedAt = "started_at"
            case lastBeatAt = "last_beat_at"
            case stoppedAt = "stopped_at"
        }
    }

    struct Report: ResponseEncodable {
        let checkedAt: Date
        let daemons: [Daemon]
        /// Counts per status: `mail` (queued, sending, failed, dead, sent in the last day),
        /// `backup_jobs` and `formula_jobs` (still to do).
        let queues: [String: [String: Int]]
        let lastBackup: BackupController.BackupResponse?
        let lastFailedBackupJob: Date?

        enum CodingKeys: String, CodingKey {
            case daemons, queues
            case checkedAt = "checked_at"
            case lastBackup = "last_backup"
            case lastFailedBackupJob = "last_failed_backup_job_at"
        }

        /// Written out in full: an absent backup is `null`, not a missing key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.checkedAt, forKey: .checkedAt)
            try container.encode(self.daemons, forKey: .daemons)
            try container.encode(self.queues, forKey: .queues)
            try container.encode(self.lastBackup, forKey: .lastBackup)
            try container.encode(self.lastFailedBackupJob, forKey: .lastFailedBackupJob)
        }
    }

    func status(_ request: Request, context: AppRequestContext) async throws -> Report {
        let now = self.services.clock.now()
        // A heartbeat three intervals late (and never less than 30 s) means the daemon is not well.
        let late = max(.seconds(30), self.services.config.heartbeatInterval * 3)
        return try await self.services.database.pool.read { db in
            let rows = try DaemonStatus.fetchAll(db)
            let daemons = DaemonName.allCases.map { name -> Daemon in
                guard let row = rows.first(where: { $0.name == name }) else {
                    return Daemon(
                        name: name.rawValue, state: "never_started", pid: nil, version: nil, startedAt: nil, lastBeatAt: nil,
                        stoppedAt: nil, figures: .object([:]))
                }
                let state =
                    row.status == .stopped ? "stopped" : .seconds(now.timeIntervalSince(row.lastBeatAt)) > late ? "silent" : "running"
                return Daemon(
                    name: name.rawValue, state: state, pid: row.pid, version: row.version, startedAt: row.startedAt,
                    lastBeatAt: row.lastBeatAt, stoppedAt: row.stoppedAt, figures: JSONValue.decode(row.figures) ?? .object([:]))
            }
            var queues: [String: [String: Int]] = [:]
            queues["mail"] = try Self.counts(db, sql: "SELECT status, count(*) FROM outbound_mail WHERE status <> 'sent' GROUP BY status")
            queues["mail"]?["sent_last_day"] = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM outbound_mail WHERE status = 'sent' AND sent_at >= ?",
                arguments: [now.addingTimeInterval(-86400)])
            queues["backup_jobs"] = try Self.counts(
                db, sql: "SELECT status, count(*) FROM backup_jobs WHERE status IN ('queued', 'running') GROUP BY status")
            queues["formula_jobs"] = try Self.counts(
                db, sql: "SELECT status, count(*) FROM formula_jobs WHERE status = 'running' GROUP BY status")
            let backup = try BackupRecord.fetchOne(
                db, sql: "SELECT * FROM backups WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1"
            ).map(BackupController.BackupResponse.init)
            let failed = try Date.fetchOne(db, sql: "SELECT max(updated_at) FROM backup_jobs WHERE status = 'failed'")
            return Report(checkedAt: now, daemons: daemons, queues: queues, lastBackup: backup, lastFailedBackupJob: failed)
        }
    }

    static func counts(_ db: Database, sql: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql) { counts[row[0]] = row[1] }
        return counts
    }
}

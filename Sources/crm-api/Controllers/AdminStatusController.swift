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
        /// Each synced mailbox's sync state; `stalled` when it had no good sync for three intervals.
        let mailboxes: [Mailbox]

        enum CodingKeys: String, CodingKey {
            case daemons, queues, mailboxes
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
            try container.encode(self.mailboxes, forKey: .mailboxes)
        }
    }

    struct Mailbox: Encodable {
        let email: String
        let state: EmailAccount.State
        let lastSyncAt: Date?
        let lastError: String?
        let stalled: Bool

        enum CodingKeys: String, CodingKey {
            case email, state, stalled
            case lastSyncAt = "last_sync_at"
            case lastError = "last_error"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.email, forKey: .email)
            try container.encode(self.state, forKey: .state)
            try container.encode(self.lastSyncAt, forKey: .lastSyncAt)
            try container.encode(self.lastError, forKey: .lastError)
            try container.encode(self.stalled, forKey: .stalled)
        }
    }

    func status(_ request: Request, context: AppRequestContext) async throws -> Report {
        let now = self.services.clock.now()
        // A heartbeat three intervals late (and never less than 30 s) means the daemon is not well.
        let late = max(30, self.services.config.heartbeatInterval.timeInterval * 3)
        let interval = self.services.config.gmailSyncInterval.timeInterval
        let status = try await self.services.database.pool.read { db in
            try SystemStatus.read(now: now, late: late, syncInterval: interval, db)
        }
        return Report(
            checkedAt: now,
            daemons: status.daemons.map { daemon in
                Daemon(
                    name: daemon.name.rawValue,
                    state: daemon.state,
                    pid: daemon.row?.pid,
                    version: daemon.row?.version,
                    startedAt: daemon.row?.startedAt,
                    lastBeatAt: daemon.row?.lastBeatAt,
                    stoppedAt: daemon.row?.stoppedAt,
                    figures: daemon.row.flatMap { JSONValue.decode($0.figures) } ?? .object([:])
                )
            },
            queues: status.queues,
            lastBackup: status.lastBackup.map(BackupController.BackupResponse.init),
            lastFailedBackupJob: status.lastFailedBackupJob,
            mailboxes: status.mailboxes.map {
                Mailbox(
                    email: $0.account.email,
                    state: $0.account.state,
                    lastSyncAt: $0.account.lastSyncAt,
                    lastError: $0.account.lastError,
                    stalled: $0.stalled
                )
            }
        )
    }
}

import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Backups for admins: take one now, follow its job, list the catalogue, verify, and the policy.
/// Clients name backups by id only; no path from a request reaches the file system.
struct BackupController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/fundraising/backup", .admin, use: self.start)
        routes.get("/api/fundraising/backup-jobs/:id", .admin, use: self.job)
        routes.get("/api/fundraising/backups", .admin, use: self.list)
        routes.post("/api/fundraising/backups/:id/verify", .admin, use: self.verify)
        routes.get("/api/fundraising/backup-policy", .admin) { _, _ in
            PolicyResponse(try await self.services.database.pool.read(BackupPolicy.current))
        }
        routes.patch("/api/fundraising/backup-policy", .admin, use: self.updatePolicy)
    }

    struct JobResponse: ResponseEncodable {
        let id: Int64
        let kind: BackupJob.Kind
        let status: BackupJob.Status
        let progress: Double
        let backupId: Int64?
        let restoreFrom: Int64?
        let safetyBackupId: Int64?
        let error: String?
        let createdAt: Date
        let startedAt: Date?
        let finishedAt: Date?

        init(_ job: BackupJob) {
            self.id = job.id
            self.kind = job.kind
            self.status = job.status
            self.progress = job.progress
            self.backupId = job.backupId
            self.restoreFrom = job.restoreFrom
            self.safetyBackupId = job.safetyBackupId
            self.error = job.error
            self.createdAt = job.createdAt
            self.startedAt = job.startedAt
            self.finishedAt = job.finishedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.progress, forKey: .progress)
            try container.encode(self.backupId, forKey: .backupId)
            if self.kind == .restore {
                try container.encode(self.restoreFrom, forKey: .restoreFrom)
                try container.encode(self.safetyBackupId, forKey: .safetyBackupId)
            }
            try container.encode(self.error, forKey: .error)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.startedAt, forKey: .startedAt)
            try container.encode(self.finishedAt, forKey: .finishedAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, status, progress, error
            case backupId = "backup_id"
            case restoreFrom = "restore_from"
            case safetyBackupId = "safety_backup_id"
            case createdAt = "created_at"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }
    }

    struct BackupResponse: Encodable {
        let id: Int64
        let fileName: String
        let kind: BackupJob.Kind
        let sizeBytes: Int64
        let sha256: String
        let schemaVersion: String
        let rowCounts: JSONValue
        let createdAt: Date
        let verifiedAt: Date?
        let verifyOk: Bool?

        init(_ backup: BackupRecord) {
            self.id = backup.id
            self.fileName = backup.fileName
            self.kind = backup.kind
            self.sizeBytes = backup.sizeBytes
            self.sha256 = backup.sha256
            self.schemaVersion = backup.schemaVersion
            self.rowCounts = JSONValue.decode(backup.rowCounts) ?? [:]
            self.createdAt = backup.createdAt
            self.verifiedAt = backup.verifiedAt
            self.verifyOk = backup.verifyOk
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.fileName, forKey: .fileName)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.sizeBytes, forKey: .sizeBytes)
            try container.encode(self.sha256, forKey: .sha256)
            try container.encode(self.schemaVersion, forKey: .schemaVersion)
            try container.encode(self.rowCounts, forKey: .rowCounts)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.verifiedAt, forKey: .verifiedAt)
            try container.encode(self.verifyOk, forKey: .verifyOk)
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, sha256
            case fileName = "file_name"
            case sizeBytes = "size_bytes"
            case schemaVersion = "schema_version"
            case rowCounts = "row_counts"
            case createdAt = "created_at"
            case verifiedAt = "verified_at"
            case verifyOk = "verify_ok"
        }
    }

    struct BackupList: ResponseEncodable {
        let backups: [BackupResponse]
    }

    struct VerifyResponse: ResponseEncodable {
        let id: Int64
        let ok: Bool
        let verifiedAt: Date?
        let checks: [BackupVerifier.Check]

        enum CodingKeys: String, CodingKey {
            case id, ok, checks
            case verifiedAt = "verified_at"
        }
    }

    struct PolicyResponse: ResponseEncodable {
        let enabled: Bool
        let timeOfDay: String
        let timeZone: String
        let keepLast: Int
        let keepDailyDays: Int
        let keepWeeklyWeeks: Int

        init(_ policy: BackupPolicy) {
            self.enabled = policy.enabled
            self.timeOfDay = policy.timeOfDay
            self.timeZone = policy.timeZone
            self.keepLast = policy.keepLast
            self.keepDailyDays = policy.keepDailyDays
            self.keepWeeklyWeeks = policy.keepWeeklyWeeks
        }

        enum CodingKeys: String, CodingKey {
            case enabled
            case timeOfDay = "time_of_day"
            case timeZone = "time_zone"
            case keepLast = "keep_last"
            case keepDailyDays = "keep_daily_days"
            case keepWeeklyWeeks = "keep_weekly_weeks"
        }
    }

    struct PolicyUpdate: Decodable {
        let enabled: Bool?
        let timeOfDay: String?
        let timeZone: String?
        let keepLast: Int?
        let keepDailyDays: Int?
        let keepWeeklyWeeks: Int?

        typealias CodingKeys = PolicyResponse.CodingKeys
    }

    /// Queues a backup and wakes crm-backup: 202 with the job to follow.
    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let now = self.services.clock.now()
        let job = try await self.services.database.pool.write { db in
            let id = try BackupJob.enqueue(.manual, by: identity.userId, at: now, db)
            return try BackupJob.fetchOne(db, key: id)!
        }
        self.services.wake.send(.backup, to: .backup)
        context.logger.info("backup requested", metadata: ["job.id": "\(job.id)", "user.id": "\(identity.userId)"])
        return try JobResponse(job).response(status: .accepted, from: request, context: context)
    }

    func job(_ request: Request, context: AppRequestContext) async throws -> JobResponse {
        let id = try context.parameters.requireID()
        guard
            let job = try await self.services.database.pool.read({ db in
                try BackupJob.fetchOne(db, key: id)
            })
        else { throw APIError.notFound("There is no such backup job.") }
        return JobResponse(job)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> BackupList {
        let backups = try await self.services.database.pool.read { db in
            try BackupRecord.catalogue(db)
        }
        return BackupList(backups: backups.map(BackupResponse.init))
    }

    func verify(_ request: Request, context: AppRequestContext) async throws -> VerifyResponse {
        let id = try context.parameters.requireID()
        let directory = try BackupFiles.directory(dataDir: self.services.config.dataDir)
        guard
            let (backup, checks) = try await BackupVerifier.verify(
                backupId: id,
                database: self.services.database,
                directory: directory,
                now: self.services.clock.now()
            )
        else { throw APIError.notFound("There is no such backup.") }
        return VerifyResponse(id: backup.id, ok: checks.allSatisfy(\.ok), verifiedAt: backup.verifiedAt, checks: checks)
    }

    func updatePolicy(_ request: Request, context: AppRequestContext) async throws -> PolicyResponse {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: PolicyUpdate.self, context: context)
        let change = BackupPolicy.Change(
            enabled: body.enabled,
            timeOfDay: body.timeOfDay,
            timeZone: body.timeZone,
            keepLast: body.keepLast,
            keepDailyDays: body.keepDailyDays,
            keepWeeklyWeeks: body.keepWeeklyWeeks
        )
        let now = self.services.clock.now()
        let policy = try await self.services.database.pool.write { db in
            try BackupPolicy.update(change, by: identity.userId, now: now, db)
        }
        self.services.wake.send(.backup, to: .backup)
        return PolicyResponse(policy)
    }
}

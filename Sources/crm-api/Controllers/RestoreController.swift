import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Restore for admins: preview what a backup would change, then restore it (crm-backup takes a
/// safety backup first and does the copy; see `BackupRestore` for what is restored).
struct RestoreController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/fundraising/restore-preview", .admin, use: self.preview)
        routes.post("/api/fundraising/restore", .admin, use: self.restore)
    }

    struct PreviewRequest: Decodable {
        let backupId: Int64

        enum CodingKeys: String, CodingKey {
            case backupId = "backup_id"
        }
    }

    struct RestoreRequest: Decodable {
        let backupId: Int64
        let confirm: Bool?

        enum CodingKeys: String, CodingKey {
            case backupId = "backup_id"
            case confirm
        }
    }

    struct PreviewResponse: ResponseEncodable {
        let backup: BackupController.BackupResponse
        let tables: [RestorePreview.Table]
        /// What a restore leaves as it is, in words for the confirmation dialog.
        let kept: String
    }

    func preview(_ request: Request, context: AppRequestContext) async throws -> PreviewResponse {
        let body = try await request.decode(as: PreviewRequest.self, context: context)
        let (backup, path) = try await self.catalogued(body.backupId)
        let preview: RestorePreview
        do {
            preview = try await RestorePreview.compute(live: self.services.database, backupPath: path)
        } catch {
            throw APIError(.conflict, "backup_unreadable", "The backup file cannot be read; verify it for details.")
        }
        return PreviewResponse(
            backup: .init(backup),
            tables: preview.tables,
            kept: "Accounts, sessions, settings, the mail queue and the backup catalogue stay as they are; "
                + "a safety backup of the current data is taken first."
        )
    }

    /// Queues the restore: 202 with the job to follow at `/api/fundraising/backup-jobs/:id`.
    func restore(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: RestoreRequest.self, context: context)
        guard body.confirm == true else {
            throw APIError(
                .unprocessableContent,
                "confirmation_required",
                "A restore replaces the current records with the backup's: send \"confirm\": true.",
                details: ["confirm": "Must be true."]
            )
        }
        let (backup, _) = try await self.catalogued(body.backupId)
        if backup.verifyOk == false {
            throw APIError(
                .conflict,
                "backup_failed_verification",
                "This backup failed verification and cannot be restored."
            )
        }
        let now = self.services.clock.now()
        let job = try await self.services.database.pool.write { db in
            if try BackupJob.restoreUnderWay(db) {
                throw APIError(.conflict, "restore_in_progress", "A restore is already under way.")
            }
            let id = try BackupJob.enqueue(.restore, restoreFrom: backup.id, by: identity.userId, at: now, db)
            return try BackupJob.fetchOne(db, key: id)!
        }
        self.services.wake.send(.backup, to: .backup)
        context.logger.notice(
            "restore requested",
            metadata: ["job.id": "\(job.id)", "backup.id": "\(backup.id)", "user.id": "\(identity.userId)"]
        )
        return try BackupController.JobResponse(job).response(status: .accepted, from: request, context: context)
    }

    /// The live catalogue entry and its file's path; the path comes from the catalogue, never the request.
    private func catalogued(_ id: Int64) async throws -> (BackupRecord, String) {
        let backup = try await self.services.database.pool.read { db in
            try BackupRecord.live(id: id, db)
        }
        guard let backup else { throw APIError.notFound("There is no such backup.") }
        let path = try BackupFiles.directory(dataDir: self.services.config.dataDir) + "/" + backup.fileName
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.conflict, "backup_missing", "The backup's file is missing from the backups folder.")
        }
        return (backup, path)
    }
}

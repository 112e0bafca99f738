import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Admins choose whose mailboxes Gmail capture reads and ask for a sync now; crm-scheduler does
/// the reading and is woken after each change.
struct EmailAccountsController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/email/accounts", .admin, use: self.list)
        routes.patch("/api/email/accounts/:id", .admin, use: self.update)
        routes.post("/api/email/accounts/:id/sync", .admin, use: self.sync)
        routes.get("/api/email/doctor", .admin, use: self.doctorReport)
        routes.post("/api/email/doctor", .admin, use: self.doctor)
    }

    struct AccountList: ResponseEncodable {
        let accounts: [EmailAccountResponse]
        /// The domains whose mail among themselves is the team's own (never captured).
        let teamDomains: [String]
        /// Whether a service account key is saved (`crm-scheduler set-service-account`).
        let serviceAccountSaved: Bool

        enum CodingKeys: String, CodingKey {
            case accounts
            case teamDomains = "team_domains"
            case serviceAccountSaved = "service_account_saved"
        }
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> AccountList {
        let (accounts, domains) = try await self.services.database.pool.read { db in
            let accounts = try EmailAccountStore.all(db).map { account in
                EmailAccountResponse(account, skipped: try CaptureStore.skips(userId: account.userId, db))
            }
            return (accounts, try EmailAccountStore.teamDomains(db))
        }
        return AccountList(
            accounts: accounts,
            teamDomains: domains,
            serviceAccountSaved: FileManager.default.fileExists(atPath: self.services.config.googleKeyFile)
        )
    }

    struct UpdateRequest: Decodable {
        let syncEnabled: Bool

        enum CodingKeys: String, CodingKey {
            case syncEnabled = "sync_enabled"
        }
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> EmailAccountEnvelope {
        let admin = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let now = self.services.clock.now()
        let account = try await self.services.database.pool.write { db in
            try EmailAccountStore.setSync(id, enabled: body.syncEnabled, by: admin.userId, at: now, db)
        }
        if account.syncEnabled { _ = self.services.wake.send(.sync, to: .scheduler) }
        context.logger.info(
            "mail sync changed",
            metadata: ["user.id": "\(id)", "admin.id": "\(admin.userId)", "sync.enabled": "\(account.syncEnabled)"]
        )
        return EmailAccountEnvelope(account: EmailAccountResponse(account))
    }

    func sync(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.requireID()
        let now = self.services.clock.now()
        let account = try await self.services.database.pool.write { db in
            try EmailAccountStore.requestSync(id, at: now, db)
        }
        _ = self.services.wake.send(.sync, to: .scheduler)
        return try EmailAccountEnvelope(account: EmailAccountResponse(account))
            .response(status: .accepted, from: request, context: context)
    }

    /// Asks crm-scheduler to check the Google set-up (it alone talks to Google); the report
    /// follows at `GET /api/email/doctor`.
    func doctor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireIdentity()
        let now = self.services.clock.now()
        let run = try await self.services.database.pool.write { db in
            try DoctorRuns.request(by: admin.userId, at: now, db)
        }
        _ = self.services.wake.send(.doctor, to: .scheduler)
        return try DoctorRunEnvelope(run: DoctorRunResponse(run)).response(
            status: .accepted,
            from: request,
            context: context
        )
    }

    func doctorReport(_ request: Request, context: AppRequestContext) async throws -> DoctorRunEnvelope {
        let run = try await self.services.database.pool.read { db in try DoctorRuns.latest(db) }
        return DoctorRunEnvelope(run: run.map(DoctorRunResponse.init))
    }
}

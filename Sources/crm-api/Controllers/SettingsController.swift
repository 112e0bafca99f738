import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `GET /api/settings` (members) and `PATCH /api/settings` (admins).
struct SettingsController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/settings", .member) { _, _ in
            Settings(settings: try await self.services.database.pool.read(AppSettings.all))
        }
        routes.patch("/api/settings", .admin, use: self.update)
    }

    struct Settings: ResponseEncodable {
        let settings: [String: JSONValue]
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> Settings {
        let identity = try context.requireIdentity()
        let changes = try await request.decode(as: [String: JSONValue].self, context: context)
        let now = self.services.clock.now()
        do {
            let settings = try await self.services.database.pool.write { db in
                try AppSettings.update(changes, by: identity.userId, at: now, db)
                return try AppSettings.all(db)
            }
            context.logger.info(
                "settings changed",
                metadata: ["user.id": "\(identity.userId)", "settings.keys": "\(changes.keys.sorted())"]
            )
            return Settings(settings: settings)
        } catch RecordStoreError.invalid(let problems) {
            throw APIError(
                .unprocessableContent,
                "invalid_settings",
                "Some settings were not accepted; nothing was changed.",
                details: .object(problems.mapValues(JSONValue.string))
            )
        }
    }
}

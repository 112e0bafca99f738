import Foundation
import GRDB
import Hummingbird
import Shared

/// `GET /api/team`: the names of the team's accounts (archived ones left out), so the grid can
/// show who owns or last changed a record, and who else has the app open. Emails and roles stay
/// in the admin pages.
struct TeamController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/team", .member, use: self.list)
        routes.get("/api/team/present", .member, use: self.present)
    }

    struct Member: Encodable, Sendable {
        let id: Int64
        let name: String
    }

    struct TeamList: ResponseEncodable {
        let users: [Member]
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> TeamList {
        let members = try await self.services.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM users WHERE deleted_at IS NULL ORDER BY name, id")
                .map { Member(id: $0["id"], name: $0["name"]) }
        }
        return TeamList(users: members)
    }

    /// Who has the app open now (a live event stream), for the grid's "also here" hint.
    func present(_ request: Request, context: AppRequestContext) async throws -> TeamList {
        let ids = await self.services.events.presentUsers
        guard !ids.isEmpty else { return TeamList(users: []) }
        let members = try await self.services.database.pool.read { db in
            let list = SQLFragment.list(ids.sorted().map(\.databaseValue))
            return try Row.fetchAll(
                db, sql: "SELECT id, name FROM users WHERE deleted_at IS NULL AND id IN (\(list.sql)) ORDER BY name, id",
                arguments: list.statementArguments
            ).map { Member(id: $0["id"], name: $0["name"]) }
        }
        return TeamList(users: members)
    }
}

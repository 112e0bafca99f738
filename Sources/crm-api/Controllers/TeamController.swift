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
        TeamList(users: try await self.members(nil))
    }

    /// Who has the app open now (a live event stream), for the grid's "also here" hint.
    func present(_ request: Request, context: AppRequestContext) async throws -> TeamList {
        let ids = await self.services.events.presentUsers
        return TeamList(users: ids.isEmpty ? [] : try await self.members(ids))
    }

    /// Live accounts by name, all of them or those among `ids`.
    func members(_ ids: Set<Int64>?) async throws -> [Member] {
        try await self.services.database.pool.read { db in try UserStore.names(ids: ids, db) }.map {
            Member(id: $0.id, name: $0.name)
        }
    }
}

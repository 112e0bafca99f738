import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Admins list users and change their role, name or active flag; the last active admin stays.
struct UserAdminController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/admin/users", .admin, use: self.list)
        routes.patch("/api/admin/users/:id", .admin, use: self.update)
    }

    struct UserList: ResponseEncodable {
        let users: [UserResponse]
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> UserList {
        let users = try await self.services.database.pool.read { db in try UserStore.all(db) }
        return UserList(users: users.map(UserResponse.init))
    }

    struct UpdateRequest: Decodable {
        let role: String?
        let active: Bool?
        let name: String?
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> UserEnvelope {
        let admin = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let name = try body.name.map { raw in
            guard let name = PersonName.validated(raw) else { throw APIError.invalidName }
            return name
        }
        let role = try body.role.map(User.Role.parse)
        let now = self.services.clock.now()
        let user = try await self.services.database.pool.write { db -> User in
            let user = try UserStore.update(id: id, role: role, active: body.active, name: name, now: now, db)
            if !user.active {
                try Credentials.revokeAll(userId: id, at: now, in: db)
            }
            return user
        }
        context.logger.info("user updated", metadata: ["user.id": "\(id)", "admin.id": "\(admin.userId)"])
        return UserEnvelope(user: UserResponse(user))
    }
}

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
        let users = try await self.services.database.pool.read { db in try User.all().live().order(sql: "id").fetchAll(db) }
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
            guard var user = try User.all().live().filter(sql: "id = ?", arguments: [id]).fetchOne(db) else {
                throw APIError.notFound("There is no such user.")
            }
            let wasActiveAdmin = user.active && user.role == .admin
            user.role = role ?? user.role
            user.active = body.active ?? user.active
            user.name = name ?? user.name
            if wasActiveAdmin && !(user.active && user.role == .admin),
                try User.all().activeAdmins().filter(sql: "id != ?", arguments: [id]).fetchCount(db) == 0
            {
                throw APIError(
                    .conflict, "last_admin", "This is the last active admin. Make someone else an admin first.")
            }
            user.updatedAt = now
            try user.update(db, columns: ["role", "active", "name", "updated_at"])
            if !user.active {
                try Credentials.revokeAll(userId: id, at: now, in: db)
            }
            return user
        }
        context.logger.info("user updated", metadata: ["user.id": "\(id)", "admin.id": "\(admin.userId)"])
        return UserEnvelope(user: UserResponse(user))
    }
}

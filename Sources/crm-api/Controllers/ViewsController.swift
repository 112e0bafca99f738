import Foundation
import GRDB
import Hummingbird
import Shared

/// `/api/tables/:table/views…`: saved views with their visibility and edit rules.
struct ViewsController {
    let services: AppServices
    var store: ViewStore { ViewStore(database: self.services.database, now: self.services.clock.now) }

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/tables/:table/views", .member, use: self.list)
        routes.post("/api/tables/:table/views", .member, use: self.create)
        routes.get("/api/tables/:table/views/:id", .member, use: self.get)
        routes.patch("/api/tables/:table/views/:id", .member, use: self.update)
        routes.delete("/api/tables/:table/views/:id", .member, use: self.delete)
        routes.post("/api/tables/:table/views/:id/duplicate", .member, use: self.duplicate)
    }

    struct CreateRequest: Decodable {
        let name: String
        let scope: SavedView.Scope?
        let locked: Bool?
        let definition: ViewDefinition?
    }

    struct UpdateRequest: Decodable {
        let name: String?
        let scope: SavedView.Scope?
        let locked: Bool?
        let definition: ViewDefinition?
        let expectedVersion: Int?

        enum CodingKeys: String, CodingKey {
            case name, scope, locked, definition
            case expectedVersion = "expected_version"
        }
    }

    /// The body is optional; without a name the copy is "<name> copy".
    struct DuplicateRequest: Decodable {
        let name: String?
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> ViewList {
        let table = try context.table()
        let userId = try context.requireIdentity().userId
        let views = try await self.services.database.pool.read { db in try ViewStore.visible(table, userId: userId, db)
        }
        return ViewList(views: views.map(ViewResponse.init))
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> ViewResponse {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let userId = try context.requireIdentity().userId
        return ViewResponse(
            view: try await self.services.database.pool.read { db in
                try ViewStore.fetch(table, id: id, userId: userId, db)
            }
        )
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let dates = try await self.dates()
        let view = try await self.store.create(
            table,
            name: body.name,
            scope: body.scope ?? .personal,
            locked: body.locked ?? false,
            definition: body.definition ?? ViewDefinition(),
            userId: identity.userId,
            isAdmin: identity.isAdmin,
            dates: dates
        )
        self.services.viewIndexes.kick()
        return try ViewResponse(view: view).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> ViewResponse {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let dates = try await self.dates()
        let view = try await self.store.update(
            table,
            id: id,
            expectedVersion: body.expectedVersion,
            name: body.name,
            scope: body.scope,
            locked: body.locked,
            definition: body.definition,
            userId: identity.userId,
            isAdmin: identity.isAdmin,
            dates: dates
        )
        self.services.viewIndexes.kick()
        return ViewResponse(view: view)
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        try await self.store.delete(table, id: id, userId: identity.userId, isAdmin: identity.isAdmin)
        self.services.viewIndexes.kick()
        return Response(status: .noContent)
    }

    func duplicate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        let body = try await APIRequestDecoder.decodeIfPresent(DuplicateRequest.self, from: request, context: context)
        let dates = try await self.dates()
        let view = try await self.store.duplicate(
            table,
            id: id,
            name: body?.name,
            userId: identity.userId,
            dates: dates
        )
        self.services.viewIndexes.kick()
        return try ViewResponse(view: view).response(status: .created, from: request, context: context)
    }

    /// Today and the team's time zone, which relative date filters are checked against.
    private func dates() async throws -> ViewDates {
        let now = self.services.clock.now()
        return try await self.services.database.pool.read { db in try ViewDates.current(db, now: now) }
    }
}

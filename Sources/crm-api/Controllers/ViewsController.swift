import Foundation
import GRDB
import Hummingbird
import Shared

/// `/api/tables/:table/views…`: saved views with their visibility and edit rules, and the
/// view-aware reads of records (`?view=`, `filter`, `sort`, `search`; count; groups).
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
        routes.get("/api/tables/:table/records/count", .member, use: self.count)
        routes.get("/api/tables/:table/records/groups", .member, use: self.groups)
    }

    struct ViewResponse: ResponseEncodable {
        let view: SavedView

        enum CodingKeys: String, CodingKey {
            case id, table, name, scope, locked, definition, version, position
            case ownerId = "owner_id"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.view.id, forKey: .id)
            try container.encode(self.view.table, forKey: .table)
            try container.encode(self.view.name, forKey: .name)
            try container.encode(self.view.scope, forKey: .scope)
            try container.encode(self.view.locked, forKey: .locked)
            try container.encode(self.view.ownerId, forKey: .ownerId)
            try container.encode(self.view.definition, forKey: .definition)
            try container.encode(self.view.version, forKey: .version)
            try container.encode(self.view.position, forKey: .position)
            try container.encode(self.view.createdAt, forKey: .createdAt)
            try container.encode(self.view.updatedAt, forKey: .updatedAt)
        }
    }

    struct ViewList: ResponseEncodable {
        let views: [ViewResponse]
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
        let table = try RecordsController.table(context)
        let userId = try context.requireIdentity().userId
        let views = try await self.services.database.pool.read { db in try ViewStore.visible(table, userId: userId, db) }
        return ViewList(views: views.map(ViewResponse.init))
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> ViewResponse {
        let table = try RecordsController.table(context)
        let id = try context.parameters.requireID()
        let userId = try context.requireIdentity().userId
        return ViewResponse(view: try await Self.mapping {
            try await self.services.database.pool.read { db in try ViewStore.fetch(table, id: id, userId: userId, db) }
        })
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try RecordsController.table(context)
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let dates = try await self.dates()
        let view = try await Self.mapping {
            try await self.store.create(
                table, name: body.name, scope: body.scope ?? .personal, locked: body.locked ?? false,
                definition: body.definition ?? ViewDefinition(), userId: identity.userId, isAdmin: identity.isAdmin, dates: dates)
        }
        self.services.viewIndexes.kick()
        return try ViewResponse(view: view).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> ViewResponse {
        let table = try RecordsController.table(context)
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let dates = try await self.dates()
        let view = try await Self.mapping {
            try await self.store.update(
                table, id: id, expectedVersion: body.expectedVersion, name: body.name, scope: body.scope, locked: body.locked,
                definition: body.definition, userId: identity.userId, isAdmin: identity.isAdmin, dates: dates)
        }
        self.services.viewIndexes.kick()
        return ViewResponse(view: view)
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try RecordsController.table(context)
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        try await Self.mapping { try await self.store.delete(table, id: id, userId: identity.userId, isAdmin: identity.isAdmin) }
        self.services.viewIndexes.kick()
        return Response(status: .noContent)
    }

    func duplicate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try RecordsController.table(context)
        let id = try context.parameters.requireID()
        let identity = try context.requireIdentity()
        let body = try await APIRequestDecoder.decodeIfPresent(DuplicateRequest.self, from: request, context: context)
        let dates = try await self.dates()
        let view = try await Self.mapping {
            try await self.store.duplicate(table, id: id, name: body?.name, userId: identity.userId, dates: dates)
        }
        self.services.viewIndexes.kick()
        return try ViewResponse(view: view).response(status: .created, from: request, context: context)
    }

    // MARK: Reads through a view

    struct CountResponse: ResponseEncodable {
        let total: Int
    }

    struct GroupResponse: Encodable {
        let group: RecordQuery.Group

        enum CodingKeys: String, CodingKey {
            case key, count, sums, groups
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.group.key, forKey: .key)
            try container.encode(self.group.count, forKey: .count)
            try container.encode(self.group.sums, forKey: .sums)
            try container.encodeIfPresent(self.group.groups?.map(GroupResponse.init), forKey: .groups)
        }
    }

    struct GroupList: ResponseEncodable {
        let groups: [GroupResponse]
    }

    func count(_ request: Request, context: AppRequestContext) async throws -> CountResponse {
        let table = try RecordsController.table(context)
        let query = try await self.query(request, context: context, table: table)
        let dates = try await self.dates()
        let (total, version) = try await Self.mapping {
            try await self.services.database.pool.read { db in
                (try query.count(table, dates: dates, db), try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state") ?? 0)
            }
        }
        _ = await self.services.totals.total(for: try Self.totalKey(table: table, query: query, version: version, dates: dates)) { total }
        return CountResponse(total: total)
    }

    func groups(_ request: Request, context: AppRequestContext) async throws -> GroupList {
        let table = try RecordsController.table(context)
        let query = try await self.query(request, context: context, table: table)
        let dates = try await self.dates()
        let groups = try await Self.mapping {
            try await self.services.database.pool.read { [query] db in try query.groups(table, dates: dates, db) }
        }
        return GroupList(groups: groups.map(GroupResponse.init))
    }

    /// The query a request names: a saved view (`view=ID`), with ad-hoc `filter`, `sort`,
    /// `group_by` and `search` replacing the view's own. Nil when it names none of them.
    func query(_ request: Request, context: AppRequestContext, table: RecordTable) async throws -> RecordQuery {
        let parameters = request.uri.queryParameters
        var query = RecordQuery()
        if let text = parameters.get("view") {
            guard let id = Int64(text), id > 0 else { throw APIError(.badRequest, "invalid_view", "view is a view's id.") }
            let userId = try context.requireIdentity().userId
            let view = try await Self.mapping {
                try await self.services.database.pool.read { db in try ViewStore.fetch(table, id: id, userId: userId, db) }
            }
            query = RecordQuery(view.definition)
        }
        if let filter = parameters.get("filter") {
            guard filter.utf8.count <= 50_000,
                let group = try? JSONDecoder().decode(FilterGroup.self, from: Data(String(filter).utf8))
            else {
                throw APIError(.badRequest, "invalid_filter", "filter is the JSON of a group: {\"conjunction\", \"conditions\"}.")
            }
            query.filter = group
        }
        if let sort = parameters.get("sort") { query.sorts = try Self.sorts(String(sort), parameter: "sort") }
        if let groupBy = parameters.get("group_by") { query.groupBy = try Self.sorts(String(groupBy), parameter: "group_by") }
        if let search = parameters.get("search") { query.search = String(search) }
        return query
    }

    /// What a cached total depends on: the table, the filter and search, the data version and the
    /// day (relative dates move at midnight).
    static func totalKey(table: RecordTable, query: RecordQuery, version: Int, dates: ViewDates) throws -> String {
        // Sorted keys: without them the same filter encodes in a different order on most requests.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let filter = String(decoding: try encoder.encode(query.filter), as: UTF8.self)
        let hidden = (query.fields ?? []).filter { $0.hidden == true }.map(\.key).sorted().joined(separator: ",")
        return [table.rawValue, String(version), dates.day(of: dates.now), filter, query.search ?? "", hidden].joined(separator: "\u{1}")
    }

    /// Whether the request names a view, filter, sort or search (else the plain id-ordered list).
    static func namesAQuery(_ request: Request) -> Bool {
        let parameters = request.uri.queryParameters
        return ["view", "filter", "sort", "group_by", "search"].contains { parameters.get($0) != nil }
    }

    /// `field,-other` → ascending `field`, descending `other`.
    static func sorts(_ text: String, parameter: String) throws -> [ViewDefinition.Sort] {
        guard text.count <= 2000 else { throw APIError(.badRequest, "invalid_\(parameter)", "\(parameter) is too long.") }
        return text.split(separator: ",").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("-")
                ? ViewDefinition.Sort(field: String(trimmed.dropFirst()), direction: .desc)
                : ViewDefinition.Sort(field: trimmed, direction: .asc)
        }
    }

    /// Today in the team's time zone (the `time_zone` setting), for relative date filters.
    func dates() async throws -> ViewDates {
        let zone = try await self.services.database.pool.read { db in try AppSettings.timeZone(db) }
        return ViewDates(now: self.services.clock.now(), timeZone: zone)
    }

    /// Runs a view call, turning store and query failures into the API's errors.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ViewStore.Failure {
            switch failure {
            case .notFound: throw APIError.notFound("There is no such view.")
            case .forbidden(let message): throw APIError(.forbidden, "forbidden", message)
            case .invalid(let problems): throw Self.invalid(problems)
            case .versionConflict(let current):
                throw APIError(
                    .conflict, "version_conflict", "Someone else changed this view since you loaded it.",
                    details: ["current_version": .number(Double(current))])
            }
        } catch let failure as RecordQuery.Failure {
            switch failure {
            case .invalid(let error): throw Self.invalid(error.problems)
            case .badCursor: throw APIError(.badRequest, "invalid_cursor", "The cursor is not valid for this query.")
            }
        }
    }

    static func invalid(_ problems: [String: String]) -> APIError {
        APIError(
            .unprocessableContent, "invalid_view", problems.sorted { $0.key < $1.key }.map(\.value).first ?? "The view is not valid.",
            details: .object(problems.mapValues(JSONValue.string)))
    }
}

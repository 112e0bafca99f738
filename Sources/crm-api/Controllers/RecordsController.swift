import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `/api/tables/:table/records…` and the read-only field catalog.
struct RecordsController {
    let services: AppServices
    var store: RecordStore { RecordStore(database: self.services.database, now: self.services.clock.now) }

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/tables/:table/records", .member, use: self.list)
        routes.post("/api/tables/:table/records", .member, use: self.create)
        routes.get("/api/tables/:table/records/archived", .member, use: self.archived)
        routes.get("/api/tables/:table/records/count", .member, use: self.count)
        routes.get("/api/tables/:table/records/groups", .member, use: self.groups)
        routes.get("/api/tables/:table/records/:id", .member, use: self.get)
        routes.patch("/api/tables/:table/records/:id", .member, use: self.update)
        routes.patch("/api/tables/:table/records", .member, use: self.updateBatch)
        routes.delete("/api/tables/:table/records/:id", .member, use: self.delete)
        routes.post("/api/tables/:table/records/:id/restore", .member, use: self.restore)
        routes.get("/api/tables/:table/records/:id/history", .member, use: self.history)
    }

    // MARK: Shapes

    struct CreateRequest: Decodable {
        let fields: [String: JSONValue]
    }

    struct UpdateRequest: Decodable {
        let expectedVersion: Int
        let fields: [String: JSONValue]

        enum CodingKeys: String, CodingKey {
            case expectedVersion = "expected_version"
            case fields
        }
    }

    // MARK: Handlers

    func list(_ request: Request, context: AppRequestContext) async throws -> RecordList {
        let table = try context.table()
        let limit = try request.pageLimit()
        if let text = request.uri.queryParameters.get("ids") {
            let others = ["view", "filter", "sort", "search", "group_by", "cursor", "limit"]
            if let other = others.first(where: { request.uri.queryParameters.get($0) != nil }) {
                throw APIError(.badRequest, "invalid_ids", "ids= fetches records by id and takes no \(other)=.")
            }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let ids = parts.compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
            guard (1...200).contains(parts.count), ids.count == parts.count else {
                throw APIError(.badRequest, "invalid_ids", "ids is 1 to 200 record ids, comma-separated.")
            }
            let records = try await self.store.records(table, ids: ids)
            return RecordList(records: records.map(RecordResponse.init), nextCursor: nil, total: records.count)
        }
        let asked = try RecordQueryParameters.parse(request)
        if !asked.isEmpty {
            let cursor = request.uri.queryParameters.get("cursor").flatMap { $0.isEmpty ? nil : String($0) }
            let (query, dates, page, version) = try await self.read(asked, table, context) { query, dates, db in
                (
                    query, dates, try query.page(table, limit: limit, cursor: cursor, dates: dates, db),
                    try GridStateStore.stamp(db).version
                )
            }
            let database = self.services.database
            let total = await self.services.totals.total(
                for: try TotalCache.key(table: table, query: query, version: version, dates: dates)
            ) {
                try await database.pool.read { db in try query.count(table, dates: dates, db) }
            }
            return RecordList(records: page.records.map(RecordResponse.init), nextCursor: page.next, total: total)
        }
        let after = try request.idCursor()
        let page = try await self.store.list(table, limit: limit, afterId: after)
        return RecordList(
            records: page.records.map(RecordResponse.init),
            nextCursor: page.next.map(String.init),
            total: page.total
        )
    }

    /// The table's archived records, newest first, to restore from.
    func archived(_ request: Request, context: AppRequestContext) async throws -> RecordList {
        let table = try context.table()
        let page = try await self.store.archived(table, limit: try request.pageLimit(), afterId: try request.idCursor())
        return RecordList(
            records: page.records.map(RecordResponse.init),
            nextCursor: page.next.map(String.init),
            total: nil
        )
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try context.table()
        guard let record = try await self.store.get(table, id: try context.parameters.requireID()) else {
            throw APIError.notFound("There is no such record.")
        }
        return RecordResponse(record)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let record = try await self.store.create(table, fields: body.fields, by: try context.requireIdentity().userId)
        return try RecordResponse(record).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let record = try await self.store.update(
            table,
            id: id,
            expectedVersion: body.expectedVersion,
            fields: body.fields,
            by: try context.requireIdentity().userId
        )
        return RecordResponse(record)
    }

    struct BatchRequest: Decodable {
        let updates: [RecordStore.BatchUpdate]
    }

    struct BatchResponse: ResponseEncodable {
        let records: [RecordResponse]
    }

    /// Several records at once (a paste): all or nothing.
    func updateBatch(_ request: Request, context: AppRequestContext) async throws -> BatchResponse {
        let table = try context.table()
        let body = try await request.decode(as: BatchRequest.self, context: context)
        guard (1...1000).contains(body.updates.count) else {
            throw APIError(.unprocessableContent, "invalid_batch", "A batch changes 1 to 1000 records.")
        }
        let records = try await self.store.update(table, batch: body.updates, by: try context.requireIdentity().userId)
        return BatchResponse(records: records.map(RecordResponse.init))
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let id = try context.parameters.requireID()
        try await self.store.delete(table, id: id, by: try context.requireIdentity().userId)
        return Response(status: .noContent)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try context.table()
        let id = try context.parameters.requireID()
        return RecordResponse(
            try await self.store.restore(table, id: id, by: try context.requireIdentity().userId)
        )
    }

    // MARK: Counts and groups through a view

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
        let table = try context.table()
        let asked = try RecordQueryParameters.parse(request)
        let (query, dates, total, version) = try await self.read(asked, table, context) { query, dates, db in
            (query, dates, try query.count(table, dates: dates, db), try GridStateStore.stamp(db).version)
        }
        _ = await self.services.totals.total(
            for: try TotalCache.key(table: table, query: query, version: version, dates: dates)
        ) { total }
        return CountResponse(total: total)
    }

    func groups(_ request: Request, context: AppRequestContext) async throws -> GroupList {
        let table = try context.table()
        let groups = try await self.read(try RecordQueryParameters.parse(request), table, context) { query, dates, db in
            try query.groups(table, dates: dates, db)
        }
        return GroupList(groups: groups.map(GroupResponse.init))
    }

    /// Runs `body` in one read with the asked query resolved for the signed-in user (a saved
    /// view is theirs or shared) and the dates its relative filters are read against.
    private func read<T: Sendable>(
        _ asked: RecordQueryRequest,
        _ table: RecordTable,
        _ context: AppRequestContext,
        _ body: @Sendable @escaping (RecordQuery, ViewDates, Database) throws -> T
    ) async throws -> T {
        let userId = try context.requireIdentity().userId
        let now = self.services.clock.now()
        return try await self.services.database.pool.read { db in
            try body(try asked.resolve(table, userId: userId, db), try ViewDates.current(db, now: now), db)
        }
    }

    func history(_ request: Request, context: AppRequestContext) async throws -> HistoryList {
        let table = try context.table()
        let id = try context.parameters.requireID()
        let page = try await self.store.history(
            table,
            id: id,
            limit: try request.pageLimit(),
            beforeId: try request.idCursor()
        )
        return HistoryList(
            history: page.entries.map {
                HistoryResponse(
                    id: $0.id,
                    action: $0.action,
                    field: $0.fieldKey,
                    old: $0.oldValue,
                    new: $0.newValue,
                    version: $0.recordVersion,
                    changedBy: $0.changedBy,
                    changedAt: $0.changedAt
                )
            },
            nextCursor: page.next.map(String.init)
        )
    }

}

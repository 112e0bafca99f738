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
        routes.get("/api/tables/:table/records/:id", .member, use: self.get)
        routes.patch("/api/tables/:table/records/:id", .member, use: self.update)
        routes.patch("/api/tables/:table/records", .member, use: self.updateBatch)
        routes.delete("/api/tables/:table/records/:id", .member, use: self.delete)
        routes.post("/api/tables/:table/records/:id/restore", .member, use: self.restore)
        routes.get("/api/tables/:table/records/:id/history", .member, use: self.history)
    }

    // MARK: Shapes

    struct RecordResponse: ResponseEncodable {
        let id: Int64
        let version: Int
        let fields: [String: JSONValue]
        let createdAt: Date
        let updatedAt: Date
        let lastModifiedBy: Int64?
        /// Why formula fields hold an error, when any does.
        let errors: [String: String]
        /// When the record was archived; only archived records carry it.
        let deletedAt: Date?

        init(_ record: RecordValue) {
            self.id = record.id
            self.version = record.version
            self.fields = record.fields
            self.createdAt = record.createdAt
            self.updatedAt = record.updatedAt
            self.lastModifiedBy = record.lastModifiedBy
            self.errors = record.errors
            self.deletedAt = record.deletedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, version, fields, errors
            case deletedAt = "deleted_at"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
            case lastModifiedBy = "last_modified_by"
        }

        /// `last_modified_by` is always present, `null` when no user made the change.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.version, forKey: .version)
            try container.encode(self.fields, forKey: .fields)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
            try container.encode(self.lastModifiedBy, forKey: .lastModifiedBy)
            if !self.errors.isEmpty { try container.encode(self.errors, forKey: .errors) }
            try container.encodeIfPresent(self.deletedAt, forKey: .deletedAt)
        }
    }

    struct RecordList: ResponseEncodable {
        let records: [RecordResponse]
        let nextCursor: String?
        let total: Int?

        enum CodingKeys: String, CodingKey {
            case records, total
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.records, forKey: .records)
            try container.encode(self.nextCursor, forKey: .nextCursor)
            try container.encode(self.total, forKey: .total)
        }
    }

    struct FieldResponse: ResponseEncodable {
        let key: String
        let label: String
        let type: FieldType
        let options: JSONValue
        let formula: String?
        /// What a formula field's values are: number, text, boolean, date, datetime or array.
        let resultType: String?
        let position: Int
        let hiddenByDefault: Bool
        let isCore: Bool
        /// A formula being recomputed over a large table in the background, and how far it is.
        let recompute: FormulasController.JobResponse?

        enum CodingKeys: String, CodingKey {
            case key, label, type, options, formula, position, recompute
            case resultType = "result_type"
            case hiddenByDefault = "hidden_by_default"
            case isCore = "is_core"
        }

        init(_ field: FieldDefinition) { self.init(field, job: nil) }

        init(_ field: FieldDefinition, job: FormulaJobs.Job?) {
            self.recompute = job.map(FormulasController.JobResponse.init)
            self.key = field.key
            self.label = field.label
            self.type = field.type
            self.options = JSONValue.decode(field.options) ?? [:]
            self.formula = field.formula
            self.resultType = field.type == .formula ? FormulaFields.resultType(field)?.rawValue : nil
            self.position = field.position
            self.hiddenByDefault = field.hiddenByDefault
            self.isCore = field.isCore
        }
    }

    struct HistoryResponse: Encodable {
        let id: Int64
        let action: String
        let field: String?
        let old: JSONValue?
        let new: JSONValue?
        let version: Int
        let changedBy: Int64?
        let changedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, action, field, old, new, version
            case changedBy = "changed_by"
            case changedAt = "changed_at"
        }
    }

    struct HistoryList: ResponseEncodable {
        let history: [HistoryResponse]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case history
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.history, forKey: .history)
            try container.encode(self.nextCursor, forKey: .nextCursor)
        }
    }

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
        let table = try Self.table(context)
        let limit = try Self.limit(request)
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
        if ViewsController.namesAQuery(request) {
            let views = ViewsController(services: self.services)
            let query = try await views.query(request, context: context, table: table)
            let dates = try await views.dates()
            let cursor = request.uri.queryParameters.get("cursor").flatMap { $0.isEmpty ? nil : String($0) }
            let (page, version) = try await ViewsController.mapping {
                try await self.services.database.pool.read { db in
                    (
                        try query.page(table, limit: limit, cursor: cursor, dates: dates, db),
                        try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state") ?? 0
                    )
                }
            }
            let key = try ViewsController.totalKey(table: table, query: query, version: version, dates: dates)
            let database = self.services.database
            let total = await self.services.totals.total(for: key) {
                try await database.pool.read { db in try query.count(table, dates: dates, db) }
            }
            return RecordList(records: page.records.map(RecordResponse.init), nextCursor: page.next, total: total)
        }
        let after = try Self.cursor(request)
        let page = try await self.store.list(table, limit: limit, afterId: after)
        return RecordList(records: page.records.map(RecordResponse.init), nextCursor: page.next.map(String.init), total: page.total)
    }

    /// The table's archived records, newest first, to restore from.
    func archived(_ request: Request, context: AppRequestContext) async throws -> RecordList {
        let table = try Self.table(context)
        let page = try await self.store.archived(table, limit: try Self.limit(request), afterId: try Self.cursor(request))
        return RecordList(records: page.records.map(RecordResponse.init), nextCursor: page.next.map(String.init), total: nil)
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try Self.table(context)
        guard let record = try await self.store.get(table, id: try context.parameters.requireID()) else {
            throw APIError.notFound("There is no such record.")
        }
        return RecordResponse(record)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try Self.table(context)
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let record = try await Self.mapping {
            try await self.store.create(table, fields: body.fields, by: try context.requireIdentity().userId)
        }
        return try RecordResponse(record).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try Self.table(context)
        let id = try context.parameters.requireID()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        let record = try await Self.mapping {
            try await self.store.update(
                table, id: id, expectedVersion: body.expectedVersion, fields: body.fields, by: try context.requireIdentity().userId)
        }
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
        let table = try Self.table(context)
        let body = try await request.decode(as: BatchRequest.self, context: context)
        guard (1...1000).contains(body.updates.count) else {
            throw APIError(.unprocessableContent, "invalid_batch", "A batch changes 1 to 1000 records.")
        }
        let records = try await Self.mapping {
            try await self.store.update(table, batch: body.updates, by: try context.requireIdentity().userId)
        }
        return BatchResponse(records: records.map(RecordResponse.init))
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try Self.table(context)
        let id = try context.parameters.requireID()
        try await Self.mapping { try await self.store.delete(table, id: id, by: try context.requireIdentity().userId) }
        return Response(status: .noContent)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> RecordResponse {
        let table = try Self.table(context)
        let id = try context.parameters.requireID()
        return RecordResponse(
            try await Self.mapping { try await self.store.restore(table, id: id, by: try context.requireIdentity().userId) })
    }

    func history(_ request: Request, context: AppRequestContext) async throws -> HistoryList {
        let table = try Self.table(context)
        let id = try context.parameters.requireID()
        let page = try await Self.mapping {
            try await self.store.history(table, id: id, limit: try Self.limit(request), beforeId: try Self.cursor(request))
        }
        return HistoryList(
            history: page.entries.map {
                HistoryResponse(
                    id: $0.id, action: $0.action, field: $0.fieldKey, old: $0.oldValue, new: $0.newValue, version: $0.recordVersion,
                    changedBy: $0.changedBy, changedAt: $0.changedAt)
            },
            nextCursor: page.next.map(String.init))
    }

    // MARK: Parameters and errors

    static func table(_ context: AppRequestContext) throws -> RecordTable {
        guard let name = context.parameters.get("table"), let table = RecordTable(rawValue: name) else {
            throw APIError(
                .notFound, "unknown_table", "There is no such table; use investors, contacts, funds or commitments.")
        }
        return table
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to 1000.")
        }
        return limit
    }

    static func cursor(_ request: Request) throws -> Int64? {
        guard let text = request.uri.queryParameters.get("cursor"), !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else { throw APIError(.badRequest, "invalid_cursor", "The cursor is not valid.") }
        return id
    }

    /// A record as the API shows it, as a JSON value (for error details).
    static func json(_ record: RecordValue) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(RecordResponse(record))).flatMap { JSONValue.decode(String(decoding: $0, as: UTF8.self)) } ?? .null
    }

    /// Runs a store call, turning `RecordStoreError` into the API's errors.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RecordStoreError {
            switch error {
            case .notFound:
                throw APIError.notFound("There is no such record.")
            case .versionConflict(let current):
                throw APIError(
                    .conflict, "version_conflict", "Someone else changed this record since you loaded it.",
                    details: ["current": Self.json(current)])
            case .versionConflicts(let records):
                throw APIError(
                    .conflict, "version_conflict",
                    "Someone else changed \(records.count == 1 ? "a record" : "\(records.count) records") of this change since you loaded them; nothing was saved.",
                    details: ["current": .array(records.map(Self.json))])
            case .invalid(let problems):
                throw APIError(
                    .unprocessableContent, "invalid_fields", "Some values do not fit their fields.",
                    details: .object(problems.mapValues(JSONValue.string)))
            }
        }
    }
}

import Foundation
import GRDB
import Hummingbird
import Shared

/// `GET /api/activity`: the unified feed, newest first, keyset-paginated, filterable.
struct ActivityController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/activity", .member, use: self.list)
    }

    struct EntryResponse: Encodable {
        let id: String
        let type: String
        let at: Date
        let userId: Int64?
        let table: String?
        let recordId: Int64?
        let action: String
        let field: String?
        let old: JSONValue?
        let new: JSONValue?

        enum CodingKeys: String, CodingKey {
            case id, type, at, table, action, field, old, new
            case userId = "user_id"
            case recordId = "record_id"
        }
    }

    struct Feed: ResponseEncodable {
        let activity: [EntryResponse]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case activity
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.activity, forKey: .activity)
            try container.encode(self.nextCursor, forKey: .nextCursor)
        }
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Feed {
        let query = request.uri.queryParameters
        var filter = ActivityFeed.Filter()
        if let types = query.get("type") {
            var chosen = Set<ActivityFeed.EntryType>()
            for name in types.split(separator: ",") {
                guard let type = ActivityFeed.EntryType(rawValue: String(name)) else {
                    throw APIError(
                        .badRequest,
                        "invalid_type",
                        "type is one or more of \(ActivityFeed.EntryType.allCases.map(\.rawValue).joined(separator: ", "))."
                    )
                }
                chosen.insert(type)
            }
            filter.types = chosen
        }
        if let table = query.get("table") {
            guard let recordTable = RecordTable(rawValue: table) else {
                throw APIError(.badRequest, "invalid_table", "table is investors, contacts, funds or commitments.")
            }
            filter.table = recordTable
        }
        filter.recordId = try Self.positive(query.get("record_id"), name: "record_id")
        filter.userId = try Self.positive(query.get("user_id"), name: "user_id")
        let limit = try request.pageLimit()
        var cursor: ActivityFeed.Cursor?
        if let token = query.get("cursor"), !token.isEmpty {
            guard let parsed = ActivityFeed.Cursor(token: token) else {
                throw APIError(.badRequest, "invalid_cursor", "The cursor is not valid.")
            }
            cursor = parsed
        }
        let chosen = filter
        let after = cursor
        let page = try await self.services.database.pool.read { db in
            try ActivityFeed.page(chosen, limit: limit, after: after, db)
        }
        return Feed(
            activity: page.entries.map {
                EntryResponse(
                    id: "\($0.type.rawValue):\($0.id)",
                    type: $0.type.rawValue,
                    at: $0.at,
                    userId: $0.userId,
                    table: $0.table,
                    recordId: $0.recordId,
                    action: $0.action,
                    field: $0.field,
                    old: $0.old,
                    new: $0.new
                )
            },
            nextCursor: page.next?.token
        )
    }

    static func positive(_ text: String?, name: String) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int64(text), value > 0 else {
            throw APIError(.badRequest, "invalid_\(name)", "\(name) must be a positive whole number.")
        }
        return value
    }
}

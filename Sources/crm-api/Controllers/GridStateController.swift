import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `GET/PUT /api/fundraising/state`: the whole grid as one versioned document.
struct GridStateController {
    let services: AppServices
    /// A whole-grid document may be far larger than an ordinary request.
    static let maximumDocumentBytes = 64 * 1024 * 1024
    /// How many records a member's document may archive by leaving them out; more takes an
    /// admin (one call must not let any member archive the whole grid).
    static let memberArchiveLimit = 10

    var store: GridStateStore { GridStateStore(database: self.services.database, now: self.services.clock.now) }

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/fundraising/state", .member, use: self.get)
        routes.put("/api/fundraising/state", .member, use: self.replace)
    }

    struct StateResponse: ResponseEncodable {
        let version: Int
        let updatedAt: Date
        let updatedBy: Int64?

        enum CodingKeys: String, CodingKey {
            case version
            case updatedAt = "updated_at"
            case updatedBy = "updated_by"
        }
    }

    struct ReplaceRequest: Decodable {
        struct Document: Decodable {
            struct Table: Decodable {
                let records: [GridStateStore.IncomingRow]
            }

            let tables: [String: Table]
        }

        let expectedVersion: Int
        let state: Document

        enum CodingKeys: String, CodingKey {
            case expectedVersion = "expected_version"
            case state
        }
    }

    /// The whole grid, streamed from one snapshot of the database: `StateResponse` with a
    /// `state` of every table's fields and live records and the caller's views, never held in
    /// memory whole.
    func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let userId = try context.requireIdentity().userId
        let snapshot = try self.services.database.pool.makeSnapshot()
        let (stamp, views) = try await snapshot.read { db in
            (try GridStateStore.stamp(db), try ViewStore.visible(userId: userId, db))
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init { writer in
                var json = StreamedJSON()
                json.raw("{")
                json.key("state")
                json.raw("{")
                try await json.tables(RecordTable.allCases, from: snapshot, to: &writer)
                try json.member("views", views.map(ViewResponse.init))
                json.raw("}")
                try json.member("updated_at", stamp.updatedAt)
                try json.member("updated_by", stamp.updatedBy)
                try json.member("version", stamp.version)
                json.raw("}")
                try await json.end(&writer)
            }
        )
    }

    func replace(_ request: Request, context: AppRequestContext) async throws -> StateResponse {
        let identity = try context.requireIdentity()
        let body = try await APIRequestDecoder.decode(
            ReplaceRequest.self,
            from: request,
            limit: Self.maximumDocumentBytes
        )
        var tables: [RecordTable: [GridStateStore.IncomingRow]] = [:]
        for (name, table) in body.state.tables {
            guard let recordTable = RecordTable(rawValue: name) else {
                throw APIError(
                    .unprocessableContent,
                    "unknown_table",
                    "The state names a table that does not exist.",
                    details: [String(name.prefix(64)): "There is no such table."]
                )
            }
            tables[recordTable] = table.records
        }
        let outcome = try await self.store.replace(
            expectedVersion: body.expectedVersion,
            tables: tables,
            by: identity.userId,
            maximumArchived: identity.isAdmin ? nil : Self.memberArchiveLimit
        )
        context.logger.info(
            "grid state replaced",
            metadata: [
                "user.id": "\(identity.userId)", "state.version": "\(outcome.stamp.version)",
                "records.created": "\(outcome.created)",
                "records.updated": "\(outcome.updated)", "records.archived": "\(outcome.archived)",
            ]
        )
        return StateResponse(
            version: outcome.stamp.version,
            updatedAt: outcome.stamp.updatedAt,
            updatedBy: outcome.stamp.updatedBy
        )
    }
}

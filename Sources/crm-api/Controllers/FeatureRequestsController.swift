import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `/api/feature-requests`: the team's requests for the CRM. Anyone signed in files and edits
/// their own; only admins change a request's status.
struct FeatureRequestsController {
    let services: AppServices
    static let statuses = ["open", "planned", "in_progress", "done", "declined"]

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/feature-requests", .member, use: self.list)
        routes.post("/api/feature-requests", .member, use: self.create)
        routes.patch("/api/feature-requests/:id", .member, use: self.update)
    }

    struct FeatureRequest: Codable, FetchableRecord, ResponseEncodable {
        let id: Int64
        let title: String
        let body: String
        let status: String
        let createdBy: Int64?
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, title, body, status
            case createdBy = "created_by"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    struct RequestList: ResponseEncodable {
        let featureRequests: [FeatureRequest]

        enum CodingKeys: String, CodingKey {
            case featureRequests = "feature_requests"
        }
    }

    struct Draft: Decodable {
        let title: String?
        let body: String?
        let status: String?
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> RequestList {
        RequestList(
            featureRequests: try await self.services.database.pool.read { db in
                try FeatureRequest.fetchAll(db, sql: "SELECT * FROM feature_requests WHERE deleted_at IS NULL ORDER BY id DESC")
            })
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try await request.decode(as: Draft.self, context: context)
        let title = try Self.validTitle(draft.title ?? "")
        let body = try Self.validBody(draft.body ?? "")
        if draft.status != nil {
            throw APIError(
                .unprocessableContent, "invalid_request", "A new request starts open.", details: ["status": "A new request starts open."])
        }
        let now = self.services.clock.now()
        let created = try await self.services.database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO feature_requests (title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [title, body, identity.userId, now, now])
            return try FeatureRequest.fetchOne(db, sql: "SELECT * FROM feature_requests WHERE id = ?", arguments: [db.lastInsertedRowID])!
        }
        return try created.response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> FeatureRequest {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let draft = try await request.decode(as: Draft.self, context: context)
        let title = try draft.title.map(Self.validTitle)
        let body = try draft.body.map(Self.validBody)
        if let status = draft.status {
            guard identity.isAdmin else { throw APIError(.forbidden, "forbidden", "Only an admin can change a request's status.") }
            guard Self.statuses.contains(status) else {
                throw APIError(
                    .unprocessableContent, "invalid_request", "Unknown status.",
                    details: ["status": .string("Use one of: \(Self.statuses.joined(separator: ", ")).")])
            }
        }
        let now = self.services.clock.now()
        return try await self.services.database.pool.write { db in
            guard let current = try FeatureRequest.fetchOne(
                db, sql: "SELECT * FROM feature_requests WHERE id = ? AND deleted_at IS NULL", arguments: [id])
            else { throw APIError.notFound("There is no such request.") }
            if (title != nil || body != nil) && current.createdBy != identity.userId && !identity.isAdmin {
                throw APIError(.forbidden, "forbidden", "Only its author or an admin can edit a request.")
            }
            try db.execute(
                sql: "UPDATE feature_requests SET title = ?, body = ?, status = ?, updated_at = ? WHERE id = ?",
                arguments: [title ?? current.title, body ?? current.body, draft.status ?? current.status, now, id])
            return try FeatureRequest.fetchOne(db, sql: "SELECT * FROM feature_requests WHERE id = ?", arguments: [id])!
        }
    }

    static func validTitle(_ raw: String) throws -> String {
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(title.count) else {
            throw APIError(
                .unprocessableContent, "invalid_request", "The title must be 1 to 200 characters.",
                details: ["title": "The title must be 1 to 200 characters."])
        }
        return title
    }

    static func validBody(_ body: String) throws -> String {
        guard body.count <= 20_000 else {
            throw APIError(
                .unprocessableContent, "invalid_request", "The description is too long.",
                details: ["body": "At most 20000 characters."])
        }
        return body
    }
}

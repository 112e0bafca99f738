import Foundation
import GRDB
import Hummingbird
import Shared

/// `/api/feature-requests`: the team's requests for the CRM. Anyone signed in files and edits
/// their own; only admins change a request's status.
struct FeatureRequestsController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/feature-requests", .member, use: self.list)
        routes.post("/api/feature-requests", .member, use: self.create)
        routes.patch("/api/feature-requests/:id", .member, use: self.update)
    }

    struct FeatureRequestResponse: ResponseEncodable {
        let request: FeatureRequest

        enum CodingKeys: String, CodingKey {
            case id, title, body, status
            case createdBy = "created_by"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.request.id, forKey: .id)
            try container.encode(self.request.title, forKey: .title)
            try container.encode(self.request.body, forKey: .body)
            try container.encode(self.request.status, forKey: .status)
            try container.encode(self.request.createdBy, forKey: .createdBy)
            try container.encode(self.request.createdAt, forKey: .createdAt)
            try container.encode(self.request.updatedAt, forKey: .updatedAt)
        }
    }

    struct RequestList: ResponseEncodable {
        let featureRequests: [FeatureRequestResponse]

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
        let requests = try await self.services.database.pool.read { db in try FeatureRequestStore.all(db) }
        return RequestList(featureRequests: requests.map(FeatureRequestResponse.init))
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try await request.decode(as: Draft.self, context: context)
        if draft.status != nil {
            throw APIError(
                .unprocessableContent,
                "invalid_request",
                "A new request starts open.",
                details: ["status": "A new request starts open."]
            )
        }
        let now = self.services.clock.now()
        let created = try await self.services.database.pool.write { db in
            try FeatureRequestStore.create(
                title: draft.title ?? "",
                body: draft.body ?? "",
                by: identity.userId,
                now: now,
                db
            )
        }
        return try FeatureRequestResponse(request: created).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> FeatureRequestResponse {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let draft = try await request.decode(as: Draft.self, context: context)
        let now = self.services.clock.now()
        return FeatureRequestResponse(
            request: try await self.services.database.pool.write { db in
                try FeatureRequestStore.update(
                    id: id,
                    title: draft.title,
                    body: draft.body,
                    status: draft.status,
                    by: identity.userId,
                    isAdmin: identity.isAdmin,
                    now: now,
                    db
                )
            }
        )
    }
}

import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Logging communications with investors and contacts: any member logs, changes, deletes and
/// restores them; each change is in the communication's history and the activity feed, and
/// moves the relationship signals.
struct CommunicationsController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/communications", .member, use: self.list)
        routes.post("/api/communications", .member, use: self.create)
        routes.get("/api/communications/:id", .member, use: self.show)
        routes.patch("/api/communications/:id", .member, use: self.update)
        routes.delete("/api/communications/:id", .member, use: self.delete)
        routes.post("/api/communications/:id/restore", .member, use: self.restore)
    }

    struct NewContactBody: Decodable {
        let name: String
        let email: String?
    }

    struct CreateBody: Decodable {
        let kind: Communication.Kind
        let occurredAt: String?
        let memberId: Int64?
        let investorId: Int64?
        let contactIds: [Int64]?
        let summary: String
        let newInvestor: String?
        let newContacts: [NewContactBody]?
        let confirmNew: Bool?

        enum CodingKeys: String, CodingKey {
            case kind, summary
            case occurredAt = "occurred_at"
            case memberId = "member_id"
            case investorId = "investor_id"
            case contactIds = "contact_ids"
            case newInvestor = "new_investor"
            case newContacts = "new_contacts"
            case confirmNew = "confirm_new"
        }
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: CreateBody.self, context: context)
        var draft = CommunicationStore.Draft(kind: body.kind, summary: body.summary)
        draft.occurredAt = try body.occurredAt.map { try Self.instant($0) }
        draft.memberId = body.memberId
        draft.investorId = body.investorId
        draft.contactIds = body.contactIds ?? []
        draft.newInvestor = body.newInvestor
        draft.newContacts = (body.newContacts ?? []).map { .init(name: $0.name, email: $0.email) }
        draft.confirmNew = body.confirmNew ?? false
        let source: Communication.Source = if case .apiToken = identity.credential { .api } else { .app }
        let now = self.services.clock.now()
        let chosen = draft
        let created = try await self.services.database.pool.write { db in
            try CommunicationStore.create(chosen, source: source, by: identity.userId, at: now, db)
        }
        context.logger.info(
            "communication logged",
            metadata: [
                "communication.id": "\(created.id)", "kind": "\(created.kind.rawValue)", "source": "\(source.rawValue)",
            ]
        )
        return try CommunicationEnvelope(communication: CommunicationResponse(communication: created))
            .response(status: .created, from: request, context: context)
    }

    func show(_ request: Request, context: AppRequestContext) async throws -> CommunicationEnvelope {
        let id = try context.parameters.requireID()
        guard let found = try await self.services.database.pool.read({ db in try CommunicationStore.get(id, db) })
        else {
            throw CommunicationStore.Failure.notFound
        }
        return CommunicationEnvelope(communication: CommunicationResponse(communication: found))
    }

    struct UpdateBody: Decodable {
        let expectedVersion: Int
        let kind: Communication.Kind?
        let occurredAt: String?
        let memberId: Int64?
        let investorId: Int64??
        let contactIds: [Int64]?
        let summary: String?

        enum CodingKeys: String, CodingKey {
            case kind, summary
            case expectedVersion = "expected_version"
            case occurredAt = "occurred_at"
            case memberId = "member_id"
            case investorId = "investor_id"
            case contactIds = "contact_ids"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.expectedVersion = try container.decode(Int.self, forKey: .expectedVersion)
            self.kind = try container.decodeIfPresent(Communication.Kind.self, forKey: .kind)
            self.occurredAt = try container.decodeIfPresent(String.self, forKey: .occurredAt)
            self.memberId = try container.decodeIfPresent(Int64.self, forKey: .memberId)
            // Present and null clears the investor; absent leaves it.
            self.investorId =
                container.contains(.investorId)
                ? .some(try container.decodeIfPresent(Int64.self, forKey: .investorId)) : nil
            self.contactIds = try container.decodeIfPresent([Int64].self, forKey: .contactIds)
            self.summary = try container.decodeIfPresent(String.self, forKey: .summary)
        }
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> CommunicationEnvelope {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let body = try await request.decode(as: UpdateBody.self, context: context)
        var changes = CommunicationStore.Changes()
        changes.kind = body.kind
        changes.occurredAt = try body.occurredAt.map { try Self.instant($0) }
        changes.memberId = body.memberId
        changes.investorId = body.investorId
        changes.contactIds = body.contactIds
        changes.summary = body.summary
        let now = self.services.clock.now()
        let chosen = changes
        let updated = try await self.services.database.pool.write { db in
            try CommunicationStore.update(
                id,
                expectedVersion: body.expectedVersion,
                chosen,
                by: identity.userId,
                at: now,
                db
            )
        }
        return CommunicationEnvelope(communication: CommunicationResponse(communication: updated))
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let now = self.services.clock.now()
        _ = try await self.services.database.pool.write { db in
            try CommunicationStore.setDeleted(id, true, by: identity.userId, at: now, db)
        }
        return Response(status: .noContent)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> CommunicationEnvelope {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let now = self.services.clock.now()
        let restored = try await self.services.database.pool.write { db in
            try CommunicationStore.setDeleted(id, false, by: identity.userId, at: now, db)
        }
        return CommunicationEnvelope(communication: CommunicationResponse(communication: restored))
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> CommunicationPage {
        let parameters = request.uri.queryParameters
        var query = CommunicationQuery()
        query.investorId = try ActivityController.positive(parameters.get("investor_id"), name: "investor_id")
        query.contactId = try ActivityController.positive(parameters.get("contact_id"), name: "contact_id")
        query.memberId = try ActivityController.positive(parameters.get("member_id"), name: "member_id")
        if let kind = parameters.get("kind") {
            guard let chosen = Communication.Kind(rawValue: kind) else {
                throw APIError(.badRequest, "invalid_kind", "kind is call, meeting, email, note or intro.")
            }
            query.kind = chosen
        }
        (query.since, query.until, query.limit, query.after) = try request.timePaging()
        let chosen = query
        let page = try await self.services.database.pool.read { db in try CommunicationQuery.page(chosen, db) }
        return CommunicationPage(
            communications: page.items.map { CommunicationResponse(communication: $0) },
            nextCursor: page.next?.token
        )
    }

    static func instant(_ text: String) throws -> Date {
        guard text.count <= 64, let date = ISO8601.date(text) else {
            throw CommunicationStore.Failure.invalid(["occurred_at": "A date and time such as 2026-12-01T15:00:00Z."])
        }
        return date
    }
}

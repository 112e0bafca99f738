import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Captured mail for people: the activity list any member reads (no more than the privacy level
/// and private marks allow), and the admins' erasures of a record's captured mail.
struct EmailActivityController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/email/activity", .member, use: self.activity)
        routes.get("/api/email/search", .member, use: self.search)
        routes.get("/api/email/messages/:id", .member, use: self.message)
        routes.get("/api/email/erasures", .admin, use: self.erasures)
        routes.post("/api/email/erasures", .admin, use: self.erase)
        routes.post("/api/email/erasures/:id/restore", .admin, use: self.restore)
    }

    func activity(_ request: Request, context: AppRequestContext) async throws -> EmailActivityPage {
        try await self.page(try Self.query(request), context: context)
    }

    /// The activity list narrowed to messages with every word of `q` in their subject or text.
    func search(_ request: Request, context: AppRequestContext) async throws -> EmailActivityPage {
        var query = try Self.query(request)
        let text: String = request.uri.queryParameters.get("q") ?? ""
        guard text.count <= 500, EmailActivity.match(text) != nil else {
            throw APIError(.badRequest, "invalid_q", "q is the words to look for (up to 500 characters).")
        }
        query.search = text
        return try await self.page(query, context: context)
    }

    func message(_ request: Request, context: AppRequestContext) async throws -> EmailMessageEnvelope {
        let id = try context.parameters.requireID()
        guard let found = try await self.services.database.pool.read({ db in try EmailActivity.message(id, db) }) else {
            throw APIError.notFound("There is no such captured message.")
        }
        return EmailMessageEnvelope(message: EmailActivityItem(found.item), text: found.text)
    }

    private func page(_ query: EmailActivity.Query, context: AppRequestContext) async throws -> EmailActivityPage {
        let page = try await self.services.database.pool.read { db in try EmailActivity.page(query, db) }
        return EmailActivityPage(messages: page.items.map(EmailActivityItem.init), nextCursor: page.next?.token)
    }

    static func query(_ request: Request) throws -> EmailActivity.Query {
        let parameters = request.uri.queryParameters
        var query = EmailActivity.Query()
        query.investorId = try ActivityController.positive(parameters.get("investor_id"), name: "investor_id")
        query.contactId = try ActivityController.positive(parameters.get("contact_id"), name: "contact_id")
        query.memberId = try ActivityController.positive(parameters.get("member_id"), name: "member_id")
        (query.since, query.until, query.limit, query.after) = try request.timePaging()
        return query
    }

    func erasures(_ request: Request, context: AppRequestContext) async throws -> EmailErasureList {
        let all = try await self.services.database.pool.read { db in try EmailErasures.all(db) }
        return EmailErasureList(erasures: all.map(EmailErasureResponse.init))
    }

    struct EraseRequest: Decodable {
        let contactId: Int64?
        let investorId: Int64?

        enum CodingKeys: String, CodingKey {
            case contactId = "contact_id"
            case investorId = "investor_id"
        }
    }

    func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireIdentity()
        let body = try await request.decode(as: EraseRequest.self, context: context)
        let target: (RecordTable, Int64)
        switch (body.contactId, body.investorId) {
        case (let id?, nil) where id > 0: target = (.contacts, id)
        case (nil, let id?) where id > 0: target = (.investors, id)
        default:
            throw APIError(
                .badRequest,
                "invalid_target",
                "Name one record whose mail to erase: contact_id or investor_id, a positive whole number."
            )
        }
        let now = self.services.clock.now()
        let erasure = try await self.services.database.pool.write { db in
            try EmailErasures.erase(target.0, id: target.1, by: admin.userId, at: now, db)
        }
        context.logger.info(
            "captured mail erased",
            metadata: [
                "admin.id": "\(admin.userId)", "record.table": "\(target.0.rawValue)", "record.id": "\(target.1)",
                "messages": "\(erasure.messageCount)",
            ]
        )
        return try EmailErasureEnvelope(erasure: EmailErasureResponse(erasure))
            .response(status: .created, from: request, context: context)
    }

    func restore(_ request: Request, context: AppRequestContext) async throws -> EmailErasureEnvelope {
        let admin = try context.requireIdentity()
        let id = try context.parameters.requireID()
        let now = self.services.clock.now()
        let erasure = try await self.services.database.pool.write { db in
            try EmailErasures.restore(id, by: admin.userId, at: now, db)
        }
        context.logger.info("captured mail restored", metadata: ["admin.id": "\(admin.userId)", "erasure.id": "\(id)"])
        return EmailErasureEnvelope(erasure: EmailErasureResponse(erasure))
    }
}

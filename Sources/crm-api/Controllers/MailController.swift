import Foundation
import GRDB
import Hummingbird
import Shared

/// The admin's view of outbound mail: queue a test mail, and see where each mail stands. A send
/// failure is shown as the mailer's sanitized code and sentence, never the server's words.
struct MailController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/admin/digest/test-email", .admin, use: self.testEmail)
        routes.get("/api/admin/mail", .admin, use: self.list)
        routes.get("/api/admin/mail/:id", .admin, use: self.show)
    }

    struct TestEmailRequest: Decodable {
        let to: [String]?
    }

    struct MailResponse: ResponseEncodable {
        let id: Int64
        let kind: OutboundMail.Kind
        let status: OutboundMail.Status
        let recipients: [String]
        let subject: String
        let messageId: String
        let attempts: Int
        let nextAttemptAt: Date?
        let lastError: String?
        let createdAt: Date
        let sentAt: Date?

        init(_ mail: OutboundMail) {
            self.id = mail.id ?? 0
            self.kind = mail.kind
            self.status = mail.status
            self.recipients = mail.recipientList
            // An invite's subject is harmless; its body (the link) is never shown.
            self.subject = mail.subject
            self.messageId = mail.messageId
            self.attempts = mail.attempts
            self.nextAttemptAt = mail.status == .queued ? mail.nextAttemptAt : nil
            self.lastError = mail.lastError
            self.createdAt = mail.createdAt
            self.sentAt = mail.sentAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.recipients, forKey: .recipients)
            try container.encode(self.subject, forKey: .subject)
            try container.encode(self.messageId, forKey: .messageId)
            try container.encode(self.attempts, forKey: .attempts)
            try container.encode(self.nextAttemptAt, forKey: .nextAttemptAt)
            try container.encode(self.lastError, forKey: .lastError)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.sentAt, forKey: .sentAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, status, recipients, subject, attempts
            case messageId = "message_id"
            case nextAttemptAt = "next_attempt_at"
            case lastError = "last_error"
            case createdAt = "created_at"
            case sentAt = "sent_at"
        }
    }

    struct MailList: ResponseEncodable {
        let mail: [MailResponse]
    }

    /// Queues a test mail to active admins only (the caller by default): 202 with its id.
    func testEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await APIRequestDecoder.decodeIfPresent(TestEmailRequest.self, from: request, context: context)
        let recipients = body?.to ?? [identity.user.email]
        guard !recipients.isEmpty, recipients.count <= 20 else {
            throw APIError(
                .unprocessableContent,
                "invalid_request",
                "Name 1 to 20 recipients.",
                details: ["to": "Name 1 to 20 recipients, each an active admin."]
            )
        }
        let now = self.services.clock.now()
        let sender = identity.user.name
        let draft = MailDraft(
            kind: .test,
            recipients: recipients,
            subject: "Venture CRM test mail",
            text: """
                This is a test mail from your Venture CRM, sent at the request of \(sender).

                If you can read it, the CRM can deliver its digests and invitations.
                """,
            html: """
                <p>This is a test mail from your Venture CRM, sent at the request of \(Self.escapeHTML(sender)).</p>
                <p>If you can read it, the CRM can deliver its digests and invitations.</p>
                """,
            idempotencyKey: "test:" + UUID().uuidString,
            requestedBy: identity.userId
        )
        let mail = try await self.services.database.pool.write { db in
            try MailQueue.enqueue(
                draft,
                db: db,
                seal: self.services.mailSeal,
                wake: self.services.wake,
                now: now,
                messageIdDomain: self.services.messageIdDomain
            )
        }
        return try MailResponse(mail).response(status: .accepted, from: request, context: context)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> MailList {
        let status = request.uri.queryParameters.get("status")
        if let status, OutboundMail.Status(rawValue: status) == nil {
            throw APIError(
                .unprocessableContent,
                "invalid_request",
                "Unknown status.",
                details: [
                    "status": .string(
                        "Use one of: \(OutboundMail.Status.allCases.map(\.rawValue).joined(separator: ", "))."
                    )
                ]
            )
        }
        let rows = try await self.services.database.pool.read { db in
            try OutboundMail.recent(status: status.flatMap(OutboundMail.Status.init(rawValue:)), db)
        }
        return MailList(mail: rows.map(MailResponse.init))
    }

    func show(_ request: Request, context: AppRequestContext) async throws -> MailResponse {
        let id = try context.parameters.requireID()
        let mail = try await self.services.database.pool.read { db in
            try OutboundMail.all().live().filter(Column("id") == id).fetchOne(db)
        }
        guard let mail else { throw APIError.notFound("There is no such mail.") }
        return MailResponse(mail)
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Invite-only accounts: admins invite by email and role; the invitee accepts with the token.
struct InviteController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/admin/invites", .admin, use: self.create)
        routes.get("/api/admin/invites", .admin, use: self.list)
        routes.delete("/api/admin/invites/:id", .admin, use: self.revoke)
        routes.post("/api/auth/accept-invite", .anyone, use: self.accept)
    }

    struct CreateRequest: Decodable {
        let email: String
        let role: String
        /// Mail the invite when the mailer has SMTP (the default); false to share the link by hand.
        let sendEmail: Bool?

        enum CodingKeys: String, CodingKey {
            case email, role
            case sendEmail = "send_email"
        }
    }

    struct InviteResponse: Encodable {
        let id: Int64
        let email: String
        let role: User.Role
        let status: Invite.State
        let invitedBy: Int64?
        let createdAt: Date
        let expiresAt: Date
        /// Token and URL appear only in the response that creates the invite.
        let token: String?
        let url: String?
        /// Only when created: the queued invite mail, or nil when it was not mailed.
        var mailId: Int64?
        var mailed: Bool?

        enum CodingKeys: String, CodingKey {
            case id, email, role, status, token, url, mailed
            case mailId = "mail_id"
            case invitedBy = "invited_by"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }
    }

    struct InviteList: ResponseEncodable {
        let invites: [InviteResponse]
    }

    func response(_ invite: Invite, now: Date, token: SecretToken? = nil) -> InviteResponse {
        InviteResponse(
            id: invite.id ?? 0,
            email: invite.email,
            role: invite.role,
            status: invite.state(at: now),
            invitedBy: invite.invitedBy,
            createdAt: invite.createdAt,
            expiresAt: invite.expiresAt,
            token: token?.value,
            url: token.map { "\(self.services.publicBaseURL)/accept-invite#token=\($0.value)" }
        )
    }

    /// Creates an invite; a pending invite for the same address is replaced.
    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        guard let email = EmailAddress.normalized(body.email) else {
            throw APIError(
                .unprocessableContent,
                "invalid_email",
                "That is not a valid email address.",
                details: ["email": "That is not a valid email address."]
            )
        }
        let role = try User.Role.parse(body.role)
        let now = self.services.clock.now()
        let token = SecretToken.generate()
        let url = "\(self.services.publicBaseURL)/accept-invite#token=\(token.value)"
        let (invite, mail) = try await self.services.database.pool.write { db in
            let invite = try InviteStore.create(
                email: email,
                role: role,
                tokenHash: token.hash,
                invitedBy: identity.userId,
                now: now,
                db
            )
            guard body.sendEmail != false, try MailQueue.smtpConfigured(db) else { return (invite, OutboundMail?.none) }
            let mail = try MailQueue.enqueue(
                InviteMail.draft(invite: invite, inviter: identity.user.name, url: url),
                db: db,
                seal: self.services.mailSeal,
                wake: self.services.wake,
                now: now,
                messageIdDomain: self.services.messageIdDomain
            )
            return (invite, mail)
        }
        context.logger.info(
            "invite created",
            metadata: [
                "invite.id": "\(invite.id!)", "user.id": "\(identity.userId)", "invite.mailed": "\(mail != nil)",
            ]
        )
        var response = self.response(invite, now: now, token: token)
        response.mailed = mail != nil
        response.mailId = mail?.id
        return try response.response(status: .created, from: request, context: context)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> InviteList {
        let now = self.services.clock.now()
        let invites = try await self.services.database.pool.read { db in try InviteStore.all(db) }
        return InviteList(invites: invites.map { self.response($0, now: now) })
    }

    func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.requireID()
        let now = self.services.clock.now()
        try await self.services.database.pool.write { db in try InviteStore.revoke(id: id, now: now, db) }
        return Response(status: .noContent)
    }

    struct AcceptRequest: Decodable {
        let token: String
        let name: String
        let password: String
        /// Optional: when given, it must be the invited address.
        let email: String?
    }

    /// Creates the account the invite names, signs it in, and uses the invite up.
    func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: AcceptRequest.self, context: context)
        let now = self.services.clock.now()
        let invite = try await self.services.database.pool.read { db in try InviteStore.find(token: body.token, db) }
        guard let invite else { throw APIError(.notFound, "invite_not_found", "This invite link is not valid.") }
        try InviteStore.check(invite, now: now)
        if let email = body.email, EmailAddress.normalized(email) != invite.email {
            throw APIError(
                .unprocessableContent,
                "invite_email_mismatch",
                "This invite is for a different email address.",
                details: ["email": "This invite is for a different email address."]
            )
        }
        guard let name = PersonName.validated(body.name) else { throw APIError.invalidName }
        if let problem = PasswordPolicy.problem(password: body.password, email: invite.email) {
            throw APIError(.unprocessableContent, "invalid_password", problem, details: ["password": .string(problem)])
        }
        let hash = try await self.services.hasher.hash(body.password)
        let user = try await self.services.database.pool.write { db in
            try InviteStore.accept(invite.id, name: name, passwordHash: hash, now: now, db)
        }
        let token = try await self.services.sessions.create(
            userId: user.id!,
            ip: self.services.clientAddress(request, context),
            userAgent: request.headers[.userAgent]
        )
        context.logger.info("invite accepted", metadata: ["invite.id": "\(invite.id!)", "user.id": "\(user.id!)"])
        var response = try UserEnvelope(user: UserResponse(user)).response(
            status: .created,
            from: request,
            context: context
        )
        response.setCookie(self.services.sessions.cookie(token))
        return response
    }
}

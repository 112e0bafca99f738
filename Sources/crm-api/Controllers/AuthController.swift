import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// Sign-in, sign-out, the current user, password change and self-registration (always refused).
struct AuthController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/auth/login", .anyone, use: self.login)
        routes.post("/api/auth/logout", .signedInPendingPassword, use: self.logout)
        routes.post("/api/auth/logout-all", .signedInPendingPassword, use: self.logoutEverywhere)
        routes.get("/api/auth/me", .signedInPendingPassword, use: self.me)
        routes.post("/api/auth/password", .signedInPendingPassword, use: self.changePassword)
        routes.post("/api/auth/register", .anyone) { _, _ -> Response in
            throw APIError(
                .forbidden,
                "self_registration_disabled",
                "Accounts are by invitation only. Ask an admin for an invite."
            )
        }
    }

    struct LoginRequest: Decodable {
        let email: String
        let password: String
    }

    func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        let now = self.services.clock.now()
        let address = self.services.clientAddress(request, context)
        let email = body.email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        // A browser that signed in to this account before is judged on its own failures only.
        let device = request.cookies[DeviceCookie.name].flatMap {
            self.services.deviceCookies.device($0.value, email: email)
        }
        let keys = device.map { ["device:\($0)"] } ?? ["ip:\(address)", "account:\(email)"]
        if let wait = await self.services.loginThrottle.retryAfter(keys: keys, now: now) {
            throw APIError.rateLimited(retryAfter: wait)
        }
        let user = try await self.services.database.pool.read { db in
            try User.all().withEmail(email).fetchOne(db)
        }
        let candidate = PasswordPolicy.checkable(body.password)
        let matches = try await self.services.hasher.verify(
            candidate,
            hash: user?.passwordHash ?? self.services.decoyPasswordHash
        )
        guard let user, matches, !candidate.isEmpty, user.active else {
            await self.services.loginThrottle.recordFailure(keys: keys, now: now)
            context.logger.notice("sign-in refused", metadata: ["user.id": "\(user?.id.map(String.init) ?? "unknown")"])
            throw APIError(.unauthorized, "invalid_credentials", "The email or password is not correct.")
        }
        for key in keys where !key.hasPrefix("ip:") { await self.services.loginThrottle.recordSuccess(key: key) }
        let token = try await self.services.sessions.create(
            userId: user.id!,
            ip: address,
            userAgent: request.headers[.userAgent]
        )
        context.logger.info("signed in", metadata: ["user.id": "\(user.id!)"])
        var response = try UserEnvelope(user: UserResponse(user)).response(status: .ok, from: request, context: context)
        response.setCookie(self.services.sessions.cookie(token))
        if device == nil {
            response.setCookie(
                Cookie(
                    name: DeviceCookie.name,
                    value: self.services.deviceCookies.issue(email: email),
                    maxAge: Int(DeviceCookie.lifetime),
                    path: "/api/auth",
                    secure: self.services.config.isProduction,
                    httpOnly: true,
                    sameSite: .lax
                )
            )
        }
        return response
    }

    func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if case .session(let id)? = context.identity?.credential {
            try await self.services.sessions.revoke(sessionId: id)
        }
        var response = Response(status: .noContent)
        response.setCookie(self.services.sessions.clearingCookie())
        return response
    }

    func logoutEverywhere(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let now = self.services.clock.now()
        try await self.services.database.pool.write { db in
            try Credentials.revokeAll(userId: identity.userId, at: now, in: db)
        }
        context.logger.info("signed out everywhere", metadata: ["user.id": "\(identity.userId)"])
        var response = Response(status: .noContent)
        response.setCookie(self.services.sessions.clearingCookie())
        return response
    }

    func me(_ request: Request, context: AppRequestContext) async throws -> UserEnvelope {
        UserEnvelope(user: UserResponse(try context.requireIdentity().user))
    }

    struct PasswordChange: Decodable {
        let currentPassword: String
        let newPassword: String

        enum CodingKeys: String, CodingKey {
            case currentPassword = "current_password"
            case newPassword = "new_password"
        }
    }

    /// Replaces the caller's password, ends their other sessions and revokes their API tokens.
    func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: PasswordChange.self, context: context)
        try await self.services.requireCurrentPassword(body.currentPassword, of: identity, field: "current_password")
        if let problem = PasswordPolicy.problem(password: body.newPassword, email: identity.user.email) {
            throw APIError(
                .unprocessableContent,
                "invalid_password",
                problem,
                details: ["new_password": .string(problem)]
            )
        }
        let hash = try await self.services.hasher.hash(body.newPassword)
        let now = self.services.clock.now()
        let keep: Int64? = if case .session(let id) = identity.credential { id } else { nil }
        try await self.services.database.pool.write { db in
            try UserStore.setPassword(userId: identity.userId, hash: hash, now: now, db)
            try Credentials.revokeAll(userId: identity.userId, keepSession: keep, at: now, in: db)
        }
        context.logger.info("password changed", metadata: ["user.id": "\(identity.userId)"])
        return Response(status: .noContent)
    }
}

extension AppRequestContext {
    /// The identity, or 401 (routes call this after their `Access` rule already passed).
    func requireIdentity() throws -> Identity {
        guard let identity = self.identity else {
            throw APIError(.unauthorized, "not_signed_in", "Please sign in first.")
        }
        return identity
    }
}

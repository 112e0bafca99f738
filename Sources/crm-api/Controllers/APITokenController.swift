import Foundation
import Hummingbird
import Logging
import Shared

/// Personal API tokens: create (the token is shown once; the password is asked again), list,
/// revoke; and an admin's view of every user's tokens.
struct APITokenController {
    let services: AppServices

    /// The longest a token may be made to last; nil (no expiry) is allowed too.
    static let longestLifetimeDays = 3650

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/auth/tokens", .member, use: self.create)
        routes.get("/api/auth/tokens", .member, use: self.list)
        routes.delete("/api/auth/tokens/:id", .member, use: self.revoke)
        routes.get("/api/admin/tokens", .admin, use: self.listAll)
        routes.delete("/api/admin/tokens/:id", .admin, use: self.revokeAny)
    }

    struct CreateRequest: Decodable {
        let name: String
        let password: String?
        let readOnly: Bool?
        let expiresInDays: Int?

        enum CodingKeys: String, CodingKey {
            case name, password
            case readOnly = "read_only"
            case expiresInDays = "expires_in_days"
        }
    }

    struct Owner: Encodable {
        let id: Int64
        let name: String
        let email: String
    }

    struct TokenResponse: Encodable {
        let id: Int64
        let name: String
        let prefix: String
        let readOnly: Bool
        let createdAt: Date
        let lastUsedAt: Date?
        let expiresAt: Date?
        /// Only in the response that creates the token.
        let token: String?
        /// Only in an admin's list.
        let user: Owner?

        init(_ record: APIToken, token: String? = nil, user: User? = nil) {
            self.id = record.id ?? 0
            self.name = record.name
            self.prefix = record.prefix
            self.readOnly = record.readOnly
            self.createdAt = record.createdAt
            self.lastUsedAt = record.lastUsedAt
            self.expiresAt = record.expiresAt
            self.token = token
            self.user = user.map { Owner(id: $0.id!, name: $0.name, email: $0.email) }
        }

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, token, user
            case readOnly = "read_only"
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
            case expiresAt = "expires_at"
        }
    }

    struct TokenList: ResponseEncodable {
        let tokens: [TokenResponse]
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else {
            throw APIError(
                .unprocessableContent,
                "invalid_token_name",
                "Give the token a name of 1 to 100 characters.",
                details: ["name": "Give the token a name of 1 to 100 characters."]
            )
        }
        if let days = body.expiresInDays, !(1...Self.longestLifetimeDays).contains(days) {
            let message =
                "A token lasts 1 to \(Self.longestLifetimeDays) days, or leave expires_in_days out for no expiry."
            throw APIError(
                .unprocessableContent,
                "invalid_expiry",
                message,
                details: ["expires_in_days": .string(message)]
            )
        }
        guard let password = body.password else {
            throw APIError(
                .unprocessableContent,
                "password_required",
                "Enter your password to create an API token.",
                details: ["password": "Enter your password to create an API token."]
            )
        }
        try await self.services.requireCurrentPassword(password, of: identity, field: "password")
        let expiresAt = body.expiresInDays.map { self.services.clock.now().addingTimeInterval(Double($0) * 24 * 3600) }
        let (record, token) = try await self.services.tokens.create(
            userId: identity.userId,
            name: name,
            readOnly: body.readOnly ?? false,
            expiresAt: expiresAt
        )
        context.logger.info(
            "api token created",
            metadata: ["user.id": "\(identity.userId)", "token.id": "\(record.id!)"]
        )
        return try TokenResponse(record, token: token.value).response(status: .created, from: request, context: context)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> TokenList {
        let identity = try context.requireIdentity()
        return TokenList(tokens: try await self.services.tokens.list(userId: identity.userId).map { TokenResponse($0) })
    }

    func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireID()
        guard try await self.services.tokens.revoke(userId: identity.userId, tokenId: id) else {
            throw APIError.notFound("There is no such API token.")
        }
        return Response(status: .noContent)
    }

    func listAll(_ request: Request, context: AppRequestContext) async throws -> TokenList {
        TokenList(tokens: try await self.services.tokens.listAll().map { TokenResponse($0.token, user: $0.user) })
    }

    func revokeAny(_ request: Request, context: AppRequestContext) async throws -> Response {
        let admin = try context.requireIdentity()
        let id = try context.parameters.requireID()
        guard try await self.services.tokens.revoke(userId: nil, tokenId: id) else {
            throw APIError.notFound("There is no such API token.")
        }
        context.logger.info(
            "api token revoked by an admin",
            metadata: ["admin.id": "\(admin.userId)", "token.id": "\(id)"]
        )
        return Response(status: .noContent)
    }
}

extension Parameters {
    /// The `:id` path parameter as a positive integer, or 404 (an id that cannot exist names nothing).
    func requireID(_ name: String = "id") throws -> Int64 {
        guard let text = self.get(name), let id = Int64(text), id > 0 else { throw APIError.notFound() }
        return id
    }
}

import Foundation
import Hummingbird
import Logging
import Shared

/// Personal API tokens: create (the token is shown once), list, revoke.
struct APITokenController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/auth/tokens", .member, use: self.create)
        routes.get("/api/auth/tokens", .member, use: self.list)
        routes.delete("/api/auth/tokens/:id", .member, use: self.revoke)
    }

    struct CreateRequest: Decodable {
        let name: String
    }

    struct TokenResponse: Encodable {
        let id: Int64
        let name: String
        let prefix: String
        let createdAt: Date
        let lastUsedAt: Date?
        /// Only in the response that creates the token.
        let token: String?

        init(_ record: APIToken, token: String? = nil) {
            self.id = record.id ?? 0
            self.name = record.name
            self.prefix = record.prefix
            self.createdAt = record.createdAt
            self.lastUsedAt = record.lastUsedAt
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, token
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
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
                .unprocessableContent, "invalid_token_name", "Give the token a name of 1 to 100 characters.",
                details: ["name": "Give the token a name of 1 to 100 characters."])
        }
        let (record, token) = try await self.services.tokens.create(userId: identity.userId, name: name)
        context.logger.info("api token created", metadata: ["user.id": "\(identity.userId)", "token.id": "\(record.id!)"])
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
}

extension Parameters {
    /// The `:id` path parameter as a positive integer, or 404 (an id that cannot exist names nothing).
    func requireID(_ name: String = "id") throws -> Int64 {
        guard let text = self.get(name), let id = Int64(text), id > 0 else { throw APIError.notFound() }
        return id
    }
}

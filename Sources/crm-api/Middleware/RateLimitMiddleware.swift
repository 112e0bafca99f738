import Hummingbird
import Shared

/// Limits writes (POST, PUT, PATCH, DELETE) per signed-in user, and per client IP for requests
/// no one signed; 429 with `Retry-After` when exceeded. Runs after authentication.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let services: AppServices

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if request.method.isUnsafe,
            let wait = await self.services.writeLimiter.take(
                key: context.identity.map { "user:\($0.userId)" }
                    ?? "ip:\(self.services.clientAddress(request, context))",
                now: self.services.clock.now()
            )
        {
            throw APIError.rateLimited(retryAfter: wait)
        }
        return try await next(request, context)
    }
}

extension HTTPRequest.Method {
    /// Methods that change something, which CSRF checks and write limits apply to.
    var isUnsafe: Bool { ![.get, .head, .options].contains(self) }
}

extension APIError {
    static func rateLimited(retryAfter seconds: Double) -> APIError {
        let whole = max(1, Int(seconds.rounded(.up)))
        return APIError(
            .tooManyRequests,
            "rate_limited",
            "Too many requests. Please wait \(whole) second(s) and try again.",
            details: ["retry_after": .number(Double(whole))],
            headers: [.retryAfter: "\(whole)"]
        )
    }
}

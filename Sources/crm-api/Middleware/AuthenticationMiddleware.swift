import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// Finds who is calling (a Bearer API token, else the session cookie) and refuses a
/// cookie-authenticated unsafe request whose `Origin`/`Referer` is not ours (CSRF). Routes
/// enforce their own `Access` rule; this only fills `context.identity`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let services: AppServices
    /// Origins a browser may send unsafe cookie-authenticated requests from; empty means
    /// "same origin as the Host header, and the browser says same-origin" (without `CRM_PUBLIC_URL`).
    let allowedOrigins: Set<String>

    init(services: AppServices) {
        self.services = services
        self.allowedOrigins = Set(
            [services.config.publicURL, services.config.corsOrigin].compactMap { $0.flatMap(Self.origin) }
        )
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        var context = context
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer "),
                let identity = try await self.services.tokens.authenticate(
                    token: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                )
            else {
                throw APIError(.unauthorized, "invalid_token", "The API token is not valid.")
            }
            context.identity = identity
        } else if let token = request.cookies[SessionStore.cookieName]?.value, !token.isEmpty,
            let identity = try await self.services.sessions.authenticate(token: token)
        {
            if request.method.isUnsafe && !self.isSameOrigin(request) {
                throw APIError(
                    .forbidden,
                    "csrf_origin_mismatch",
                    "This request did not come from the CRM's own pages."
                )
            }
            context.identity = identity
        }
        return try await next(request, context)
    }

    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    func isSameOrigin(_ request: Request) -> Bool {
        Self.isSameOrigin(
            claimed: request.headers[.origin] ?? request.headers[.referer],
            host: request.head.authority,
            allowed: self.allowedOrigins,
            fetchSite: request.headers[Self.fetchSite]
        )
    }

    /// Without configured origins the Host header stands in for ours. Host is whatever the
    /// client sent, so the browser's own `Sec-Fetch-Site` (sent by every current browser, and
    /// not settable by a page) must also say `same-origin` when it comes.
    static func isSameOrigin(claimed: String?, host: String?, allowed: Set<String>, fetchSite: String? = nil) -> Bool {
        guard let claimed = claimed.flatMap(Self.origin) else { return false }
        if !allowed.isEmpty { return allowed.contains(claimed) }
        guard let host = host?.lowercased(), fetchSite.map({ $0.lowercased() == "same-origin" }) ?? true else {
            return false
        }
        return claimed == "http://\(host)" || claimed == "https://\(host)"
    }

    /// `scheme://host[:port]`, lower-cased, from a URL or origin string.
    static func origin(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return nil }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}

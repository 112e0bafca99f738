import Foundation
import Hummingbird

/// Reads `+` in a query string as a space, as HTML forms and the browser's `URLSearchParams` write
/// it (`application/x-www-form-urlencoded`); a plus sign itself arrives as `%2B`. Without it, a
/// search for "Acme Family" typed in the browser found nothing.
struct FormQueryMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let path = request.head.path, let mark = path.firstIndex(of: "?"), path[mark...].contains("+") else {
            return try await next(request, context)
        }
        var head = request.head
        head.path = String(path[..<mark]) + path[mark...].replacingOccurrences(of: "+", with: "%20")
        return try await next(Request(head: head, body: request.body), context)
    }
}

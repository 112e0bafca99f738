import Foundation
import Hummingbird

/// One reading of a query string for every route:
/// - `+` is a space, as HTML forms and the browser's `URLSearchParams` write it
///   (`application/x-www-form-urlencoded`); a plus sign itself arrives as `%2B`;
/// - a parameter with an empty value (`filter=` or a bare `filter`) is the same as leaving it out,
///   as a form with an empty field sends it;
/// - a parameter named twice is refused (`repeated_parameter`): no route takes a list that way,
///   and silently reading one of the two would answer a question nobody asked.
struct QueryStringMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let path = request.head.path, let mark = path.firstIndex(of: "?") else {
            return try await next(request, context)
        }
        let query = path[path.index(after: mark)...]
        var kept: [Substring] = []
        var names: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = parts[0].replacingOccurrences(of: "+", with: " ")
            let name = rawName.removingPercentEncoding ?? rawName
            guard names.insert(name).inserted else {
                throw APIError(
                    .badRequest,
                    "repeated_parameter",
                    "The query names \(name) more than once; name it once."
                )
            }
            guard parts.count == 2, !parts[1].isEmpty else { continue }
            kept.append(pair)
        }
        let rewritten = kept.joined(separator: "&").replacingOccurrences(of: "+", with: "%20")
        guard rewritten != query else { return try await next(request, context) }
        var head = request.head
        head.path = String(path[..<mark]) + (rewritten.isEmpty ? "" : "?" + rewritten)
        return try await next(Request(head: head, body: request.body), context)
    }
}

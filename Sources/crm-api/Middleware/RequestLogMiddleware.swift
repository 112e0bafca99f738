import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Shared

/// One line per request once it is answered: its id (Hummingbird's `hb.request.id`, also sent
/// back as `X-Request-ID` so a user can quote it), method, path, status, time to the answer's
/// head, and who asked. Never the query string (it can hold search text), headers or bodies.
/// Hummingbird's `LogRequestsMiddleware` logs before the answer and with the query, so it is not used.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let requestIdHeader = HTTPField.Name("X-Request-ID")!

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[Self.requestIdHeader] = context.id
            self.log(request, context: context, status: Int(response.status.code), since: started)
            return response
        } catch {
            self.log(request, context: context, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "http.method": .string(request.method.rawValue),
            "http.path": .string(request.uri.path),
            "http.status": .stringConvertible(status),
            "http.ms": .string(String(format: "%.1f", elapsed.timeInterval * 1000)),
        ]
        if let userId = context.notes.userId { metadata["user.id"] = .stringConvertible(userId) }
        context.logger.log(level: status >= 500 ? .error : .info, "request", metadata: metadata)
    }
}

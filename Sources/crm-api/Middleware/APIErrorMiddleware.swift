import GRDB
import Hummingbird
import Logging

/// Turns every error a route throws into the API's JSON error shape, so no stack trace, SQL or
/// path ever reaches a client. Unknown errors are logged here and answered with a generic 500.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw Self.translate(error)
        } catch is DecodingError {
            throw APIError(.badRequest, "malformed_json", "The request body is not the JSON this endpoint expects.")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw APIError(
                .serviceUnavailable, "database_busy", "The database is busy. Please try again in a moment.",
                headers: [.retryAfter: "1"])
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            throw APIError(.internalServerError, "internal_error", "Something went wrong on the server. Please try again.")
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: .notFound()
        case .contentTooLarge:
            APIError(.contentTooLarge, "too_large", "The request body is larger than this endpoint accepts.")
        case .methodNotAllowed: APIError(.methodNotAllowed, "method_not_allowed", "This address does not accept that method.")
        case .badRequest: APIError(.badRequest, "bad_request", "The request could not be understood.")
        default: APIError(error.status, "http_\(error.status.code)", error.status.reasonPhrase)
        }
    }
}

import GRDB
import Hummingbird
import Logging
import NIOCore
import Shared

/// Turns every error into the API's JSON error response, so no stack trace, SQL or path ever
/// reaches a client; unknown errors are logged here and answered with a generic 500. It returns
/// responses rather than throwing, so the middleware outside it (security headers) sees them.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try Self.apiError(for: error, context: context).response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any APIErrorConvertible:
            return error.apiError
        case let error as HTTPError:
            return Self.translate(error)
        case is NIOTooManyBytesError:
            return .tooLarge
        case is DecodingError:
            return .malformedJSON
        case let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED:
            return APIError(
                .serviceUnavailable,
                "database_busy",
                "The database is busy. Please try again in a moment.",
                headers: [.retryAfter: "1"]
            )
        default:
            context.logger.error("unhandled error", metadata: .error(error))
            return APIError(
                .internalServerError,
                "internal_error",
                "Something went wrong on the server. Please try again."
            )
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: .notFound()
        case .contentTooLarge: .tooLarge
        case .methodNotAllowed:
            APIError(.methodNotAllowed, "method_not_allowed", "This address does not accept that method.")
        case .badRequest: APIError(.badRequest, "bad_request", "The request could not be understood.")
        default: APIError(error.status, "http_\(error.status.code)", error.status.reasonPhrase)
        }
    }
}

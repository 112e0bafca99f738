import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The one error every route throws: rendered as
/// `{"error": "<stable_code>", "message": "<human sentence>", "details": {...}?}` (docs/API.md).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let details: JSONValue?
    /// Members some contracts put beside `error` (the grid state's 409 carries `current_version`).
    let extra: [String: JSONValue]
    let headers: HTTPFields

    init(
        _ status: HTTPResponse.Status,
        _ code: String,
        _ message: String,
        details: JSONValue? = nil,
        extra: [String: JSONValue] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.extra = extra
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = self.extra
        body["error"] = .string(self.code)
        body["message"] = .string(self.message)
        if let details = self.details { body["details"] = details }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(body)
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    static let tooLarge = APIError(
        .contentTooLarge,
        "too_large",
        "The request body is larger than this endpoint accepts."
    )

    static func notFound(_ message: String = "There is nothing at this address.") -> APIError {
        APIError(.notFound, "not_found", message)
    }
}

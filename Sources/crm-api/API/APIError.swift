import Foundation
import Hummingbird
import Shared

/// The one error every route throws: rendered as
/// `{"error": "<stable_code>", "message": "<human sentence>", "details": {...}?}` (API.md).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let details: JSONValue?
    let headers: HTTPFields

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: JSONValue? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    private struct Body: Encodable {
        let error: String
        let message: String
        let details: JSONValue?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(Body(error: self.code, message: self.message, details: self.details))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    static let tooLarge = APIError(.contentTooLarge, "too_large", "The request body is larger than this endpoint accepts.")

    static func notFound(_ message: String = "There is nothing at this address.") -> APIError {
        APIError(.notFound, "not_found", message)
    }
}

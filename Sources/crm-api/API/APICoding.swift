import Foundation
import Hummingbird
import NIOCore

/// JSON with ISO 8601 dates (docs/API.md); DTOs name their snake_case keys themselves.
struct APIResponseEncoder: ResponseEncoder {
    func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// Decodes JSON bodies; anything that is not `application/json` is refused with 415.
struct APIRequestDecoder: RequestDecoder {
    func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try await Self.decode(type, from: request, limit: context.maxUploadSize)
    }

    /// The body's JSON, or nil when the request has no body (for routes whose body is optional).
    static func decodeIfPresent<T: Decodable>(
        _ type: T.Type,
        from request: Request,
        context: some RequestContext
    ) async throws -> T? {
        let empty = request.headers[.contentLength].map { $0 == "0" } ?? (request.headers[.transferEncoding] == nil)
        return empty ? nil : try await Self.decode(type, from: request, limit: context.maxUploadSize)
    }

    /// Decodes a JSON body of at most `limit` bytes (routes that take whole documents pass more).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError(
                .unsupportedMediaType,
                "unsupported_media_type",
                "Send the request body as application/json."
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            // Hummingbird would turn this into a bare 400; answer with our shape instead.
            throw APIError.malformedJSON
        }
    }
}

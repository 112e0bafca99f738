import Foundation
import Hummingbird

/// Serves the OpenAPI 3.1 document kept in the repository (`Resources/openapi.json`). JSON is
/// valid YAML, so `/api/openapi.yaml` serves the same bytes.
struct OpenAPIController {
    /// The document's bytes, read once.
    static let document: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Data(#"{"error":"openapi document missing from the build"}"#.utf8) }
        return data
    }()

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/openapi.json", .anyone) { _, _ in Self.response(contentType: "application/json; charset=utf-8")
        }
        routes.get("/api/openapi.yaml", .anyone) { _, _ in Self.response(contentType: "application/yaml; charset=utf-8")
        }
    }

    static func response(contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: Self.document))
        )
    }
}

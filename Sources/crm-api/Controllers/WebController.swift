import Foundation
import Hummingbird

/// Serves the web grid: `index.html` for the app's pages, and its scripts and styles under
/// `/assets/`, all read once from the binary's resources. Only known file names are served.
struct WebController {
    /// File name → (content type, bytes).
    static let assets: [String: (String, Data)] = {
        guard let directory = Bundle.module.url(forResource: "web", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [:] }
        var assets: [String: (String, Data)] = [:]
        for name in names {
            let type: String? =
                switch (name as NSString).pathExtension {
                case "html": "text/html; charset=utf-8"
                case "js": "text/javascript; charset=utf-8"
                case "css": "text/css; charset=utf-8"
                case "svg": "image/svg+xml"
                default: nil
                }
            if let type, let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) {
                assets[name] = (type, data)
            }
        }
        return assets
    }()

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/", .anyone) { _, _ in try Self.response("index.html") }
        routes.get("/accept-invite", .anyone) { _, _ in try Self.response("index.html") }
        routes.get("/assets/:file", .anyone) { _, context in
            guard let name = context.parameters.get("file"), name != "index.html" else {
                throw APIError.notFound("There is no such file.")
            }
            return try Self.response(name)
        }
    }

    static func response(_ name: String) throws -> Response {
        guard let (type, data) = Self.assets[name] else { throw APIError.notFound("There is no such file.") }
        return Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

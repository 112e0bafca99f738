import Hummingbird
import Synchronization

/// Registers routes together with their access rule, so no route exists without one; records
/// every rule so the authorization matrix test can compare it with what the router holds.
struct GuardedRouter {
    let router: Router<AppRequestContext>
    let rules: RouteRules

    func on<Output: ResponseGenerator>(
        _ path: RouterPath, method: HTTPRequest.Method, _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        self.rules.record(method: method, path: path.description, access: access)
        self.router.on(path, method: method) { request, context in
            try access.check(context, method: method)
            return try await handler(request, context)
        }
    }

    func get<Output: ResponseGenerator>(
        _ path: RouterPath, _ access: Access, use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .get, access, use: handler) }

    func post<Output: ResponseGenerator>(
        _ path: RouterPath, _ access: Access, use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .post, access, use: handler) }

    func put<Output: ResponseGenerator>(
        _ path: RouterPath, _ access: Access, use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .put, access, use: handler) }

    func patch<Output: ResponseGenerator>(
        _ path: RouterPath, _ access: Access, use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .patch, access, use: handler) }

    func delete<Output: ResponseGenerator>(
        _ path: RouterPath, _ access: Access, use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .delete, access, use: handler) }
}

/// The access rule of every registered route, keyed by "METHOD /path".
final class RouteRules: Sendable {
    private let rules = Mutex<[String: Access]>([:])

    func record(method: HTTPRequest.Method, path: String, access: Access) {
        self.rules.withLock { $0["\(method) \(Self.normalize(path))"] = access }
    }

    func access(method: HTTPRequest.Method, path: String) -> Access? {
        self.rules.withLock { $0["\(method) \(Self.normalize(path))"] }
    }

    var all: [String: Access] { self.rules.withLock { $0 } }

    static func normalize(_ path: String) -> String { "/" + path.split(separator: "/").joined(separator: "/") }
}

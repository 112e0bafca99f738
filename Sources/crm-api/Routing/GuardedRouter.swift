import Hummingbird
import Synchronization

/// Registers routes together with their access rule, so no route exists without one; records
/// every rule so the authorization matrix test can compare it with what the router holds.
struct GuardedRouter {
    let router: Router<AppRequestContext>
    let rules: RouteRules

    func on<Output: ResponseGenerator>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        self.rules.record(method: method, path: path.description, access: access)
        self.router.on(path, method: method) { request, context in
            try access.check(context, method: method)
            return try await handler(request, context)
        }
    }

    func get<Output: ResponseGenerator>(
        _ path: RouterPath,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .get, access, use: handler) }

    func post<Output: ResponseGenerator>(
        _ path: RouterPath,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .post, access, use: handler) }

    func put<Output: ResponseGenerator>(
        _ path: RouterPath,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .put, access, use: handler) }

    func patch<Output: ResponseGenerator>(
        _ path: RouterPath,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .patch, access, use: handler) }

    func delete<Output: ResponseGenerator>(
        _ path: RouterPath,
        _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) { self.on(path, method: .delete, access, use: handler) }

    /// The methods a client might try that no route of a path answers get `405` with `Allow`
    /// (RFC 9110 §15.5.6) instead of a `404` that says the address does not exist. Call last.
    func answerOtherMethodsWithNotAllowed() {
        let candidates: [HTTPRequest.Method] = [
            .get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!,
        ]
        for (path, methods) in self.rules.methodsByPath {
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            let error = APIError(
                .methodNotAllowed,
                "method_not_allowed",
                "This address answers \(allow) only.",
                headers: [.allow: allow]
            )
            for method in candidates where !methods.contains(method) {
                self.router.on(RouterPath(path), method: method) { _, _ -> Response in throw error }
            }
        }
    }
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

    /// Every registered path with the methods its routes answer.
    var methodsByPath: [String: Set<HTTPRequest.Method>] {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for key in self.all.keys {
            let parts = key.split(separator: " ", maxSplits: 1)
            byPath[String(parts[1]), default: []].insert(HTTPRequest.Method(String(parts[0]))!)
        }
        return byPath
    }

    static func normalize(_ path: String) -> String { "/" + path.split(separator: "/").joined(separator: "/") }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// Calls every route the router has registered as anon, member and admin, and checks the
/// answer against the access rule registered with it. A route added without a rule fails here.
@Suite struct AuthorizationMatrixTests {
    /// Error codes only the access layer produces.
    static let refusals: Set<String> = ["not_signed_in", "forbidden", "password_change_required"]
    /// Endless streams: the in-process client would wait for their end forever. Their signed-in
    /// access is tested over real HTTP in Tests/Integration/test_events.py.
    static let streams: Set<String> = ["/api/events"]

    @Test func everyRouteHasARuleAndTheRuleHolds() async throws {
        // Hundreds of calls from one address: a write budget that does not run out before the end.
        let app = try TestApp(environment: ["CRM_WRITE_BURST": "100000"])
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        let all = app.router.routes.map { (method: $0.method, path: $0.path.description) }
        let routes = all.filter { app.services.rules.access(method: $0.method, path: $0.path) != nil }
        let notAllowed = all.filter { app.services.rules.access(method: $0.method, path: $0.path) == nil }
        #expect(routes.count >= 18)
        #expect(routes.count == app.services.rules.all.count, "a rule without a route")

        try await app.test { client in
            for route in notAllowed {
                let uri = Self.uri(route.path)
                client.cookie = nil
                let reply = try await client.send(route.method, uri)
                let allow = reply.headers[.allow] ?? ""
                #expect(
                    reply.status == .methodNotAllowed && reply.error == "method_not_allowed",
                    "\(route.method) \(uri): a route without a rule"
                )
                #expect(
                    !allow.isEmpty && !allow.contains(route.method.rawValue),
                    "\(route.method) \(uri): Allow \(allow)"
                )
            }
            for route in routes {
                let path = route.path
                let access = try #require(
                    app.services.rules.access(method: route.method, path: path),
                    "\(route.method) \(path) has no access rule"
                )
                let uri = Self.uri(path)
                #expect(!uri.contains("{"), "\(uri): a path parameter the matrix does not fill")
                let body = route.method.isUnsafe ? "{}" : nil

                client.cookie = nil
                let anon = try await client.send(route.method, uri, json: body)
                if Self.streams.contains(uri) {
                    #expect(access != .anyone && anon.error == "not_signed_in", "\(uri) anon")
                    continue
                }
                let member = try await self.call(client, as: "ada@example.com", route.method, uri, body)
                let admin = try await self.call(client, as: "root@example.com", route.method, uri, body)
                let label = "\(route.method) \(path) [\(access)]"

                switch access {
                case .anyone:
                    #expect(!Self.refusals.contains(anon.error ?? ""), "\(label) anon: \(anon.body)")
                case .member, .signedInPendingPassword:
                    #expect(anon.status == .unauthorized && anon.error == "not_signed_in", "\(label) anon")
                    #expect(!Self.refusals.contains(member.error ?? ""), "\(label) member: \(member.body)")
                case .admin:
                    #expect(anon.status == .unauthorized && anon.error == "not_signed_in", "\(label) anon")
                    #expect(member.status == .forbidden && member.error == "forbidden", "\(label) member")
                }
                #expect(!Self.refusals.contains(admin.error ?? ""), "\(label) admin: \(admin.body)")
                for reply in [anon, member, admin] {
                    #expect(reply.status.code < 500, "\(label): \(reply.status)")
                    let type = reply.headers[.contentType] ?? ""
                    #expect(
                        reply.body.isEmpty
                            || ["application/json", "application/yaml", "text/csv", "text/html", "text/javascript"]
                                .contains { type.hasPrefix($0) },
                        "\(label): \(type)"
                    )
                }
            }
        }
    }

    /// A route's path with its parameters filled in.
    static func uri(_ path: String) -> String {
        RouteRules.normalize(path).replacingOccurrences(of: "{table}", with: "investors")
            .replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{key}", with: "notes")
            .replacingOccurrences(of: "{file}", with: "app.js")
    }

    func call(
        _ client: Client,
        as email: String,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: String?
    )
        async throws -> Client.Reply
    {
        client.cookie = nil
        try await client.login(email)
        return try await client.send(method, uri, json: body)
    }
}

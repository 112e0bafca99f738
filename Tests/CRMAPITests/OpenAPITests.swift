import Foundation
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// The served OpenAPI document and the router agree in both directions, access rules included.
@Suite struct OpenAPITests {
    static let accessNames: [String: Access] = [
        "anyone": .anyone, "signed_in": .signedInPendingPassword, "member": .member, "admin": .admin,
    ]

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() async throws {
        let app = try TestApp()
        try await app.test { client in
            let served = try await client.send(.get, "/api/openapi.json")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "application/json; charset=utf-8")
            let yaml = try await client.send(.get, "/api/openapi.yaml")
            #expect(yaml.body == served.body)

            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [String: Any]
            )
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: [String: String] = [:]
            for (path, operations) in paths {
                for (method, operation) in operations {
                    let access = (operation as? [String: Any])?["x-access"] as? String
                    documented["\(method.uppercased()) \(path)"] = access ?? "missing"
                }
            }
            let registered = app.services.rules.all
            for (route, access) in registered {
                let name = Self.accessNames.first { $0.value == access }?.key
                #expect(
                    documented[route] == name,
                    "\(route) is \(access) in the router but \(documented[route] ?? "absent") in the document"
                )
            }
            for route in documented.keys {
                #expect(registered[route] != nil, "\(route) is documented but not registered")
            }
            #expect(documented.count == registered.count)
        }
    }
}

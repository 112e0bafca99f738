import Foundation
import HTTPTypes
import Shared
import SharedTesting
import Testing

@testable import crm_api

@Suite struct RequestLogTests {
    @Test func eachRequestLogsOneLineWithItsIdAndNeverItsQueryOrBody() async throws {
        let app = try TestApp()
        let user = try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let reply = try await client.send(.get, "/api/tables/investors/records?search=Alder%20Family%20Office")
            #expect(reply.status == .ok)
            let id = try #require(reply.headers[RequestLogMiddleware.requestIdHeader])
            let lines = app.logs.all.filter { $0.contains(": request ") && $0.contains(id) }
            #expect(lines.count == 1, "one line per request")
            let line = try #require(lines.first)
            #expect(line.contains("/api/tables/investors/records") && line.contains("GET") && line.contains("200"))
            #expect(line.contains("\(user.id!)"), "who asked")
            #expect(!app.logs.all.contains { $0.contains("Alder") }, "the query string is never logged")
            #expect(!app.logs.all.contains { $0.contains(TestApp.password) }, "nor a body")

            let refused = try await client.send(.get, "/api/admin/users")
            #expect(refused.status == .forbidden)
            let refusedId = try #require(refused.headers[RequestLogMiddleware.requestIdHeader])
            #expect(app.logs.all.contains { $0.contains(refusedId) && $0.contains("403") }, "refusals are logged too")
        }
    }
}

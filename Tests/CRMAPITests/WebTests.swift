import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// The web grid's files and the names it shows.
@Suite struct WebTests {
    @Test func theAppIsServedUnderTheCSPAndOnlyKnownFilesAre() async throws {
        let app = try TestApp()
        try await app.test { client in
            let page = try await client.send(.get, "/")
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.body.contains(#"<script type="module" src="/assets/app.js"></script>"#))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self';") == true)
            #expect(!page.body.contains("<script>"), "no inline script")
            #expect(try await client.send(.get, "/accept-invite").body == page.body)
            let script = try await client.send(.get, "/assets/grid.js")
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(try await client.send(.get, "/assets/app.css").headers[.contentType] == "text/css; charset=utf-8")
            for hostile in [
                "/assets/nope.js", "/assets/index.html", "/assets/package.json", "/assets/..%2Fopenapi.json",
                "/assets/%00",
            ] {
                let reply = try await client.send(.get, hostile)
                #expect(reply.status == .notFound && reply.error == "not_found", "\(hostile)")
            }
        }
    }

    @Test func theTeamListGivesNamesOnlyAndLeavesArchivedAccountsOut() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        let gone = try await app.createUser("gone@example.com")
        try await app.database.pool.write { db in
            try db.execute(sql: "UPDATE users SET deleted_at = ? WHERE id = ?", arguments: [Date(), gone.id])
        }
        try await app.test { client in
            #expect(try await client.send(.get, "/api/team").status == .unauthorized)
            try await client.login("ada@example.com")
            let team = try await client.send(.get, "/api/team")
            #expect(team.value("users") == [["id": 1, "name": "ada@example.com"]])
            #expect(!team.body.contains("gone"), "archived accounts are left out")
        }
    }
}

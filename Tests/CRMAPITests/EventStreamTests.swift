import Foundation
import HTTPTypes
import Shared
import Testing
@testable import crm_api

/// `GET /api/events` over the in-process router, with keep-alive ticks made short.
@Suite struct EventStreamTests {
    /// Reads a stream to its end, or ends every stream after `seconds`, so a stream that would
    /// never end fails the test's time check instead of hanging it.
    func read(_ app: TestApp, _ client: Client, endingAfter seconds: Double) async throws -> Client.Reply {
        let deadline = Task {
            try await Task.sleep(for: .seconds(seconds))
            await app.services.events.finishAll()
        }
        defer { deadline.cancel() }
        return try await client.send(.get, "/api/events")
    }

    @Test func anIdleStreamIsKeptAliveAndEndsOnceItsUserSignsOutEverywhere() async throws {
        let app = try TestApp(eventKeepAlive: .milliseconds(100))
        try await app.createUser("ada@example.com")
        try await app.test { browser in
            try await browser.login("ada@example.com")
            let elsewhere = Client(client: browser.client)
            try await elsewhere.login("ada@example.com")
            let started = ContinuousClock.now
            Task {
                try await Task.sleep(for: .milliseconds(350))
                try await elsewhere.send(.post, "/api/auth/logout-all")
            }
            let reply = try await self.read(app, browser, endingAfter: 10)
            #expect(reply.status == .ok)
            #expect(reply.body.hasPrefix("retry: 3000\n: connected\n\n"))
            #expect(reply.body.contains(": ping\n\n"), "an idle stream gets a comment every interval")
            #expect(ContinuousClock.now - started < .seconds(5), "the stream ended soon after the sign-out")
            #expect(try await browser.send(.get, "/api/events").error == "not_signed_in", "and the browser is refused")
        }
    }

    @Test func aStreamEndsWhenAnAdminDeactivatesItsUser() async throws {
        let app = try TestApp(eventKeepAlive: .milliseconds(100))
        try await app.createUser("root@example.com", role: .admin)
        let ada = try await app.createUser("ada@example.com")
        try await app.test { browser in
            try await browser.login("ada@example.com")
            let admin = Client(client: browser.client)
            try await admin.login("root@example.com")
            let started = ContinuousClock.now
            Task {
                try await Task.sleep(for: .milliseconds(250))
                try await admin.send(.patch, "/api/admin/users/\(ada.id!)", json: #"{"active": false}"#)
            }
            let reply = try await self.read(app, browser, endingAfter: 10)
            #expect(reply.status == .ok)
            #expect(ContinuousClock.now - started < .seconds(5), "the stream ended soon after the deactivation")
        }
    }
}

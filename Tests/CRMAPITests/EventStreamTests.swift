import Foundation
import HTTPTypes
import Shared
import Testing

@testable import crm_api

/// `GET /api/events` over the in-process router, with keep-alive ticks made short.
@Suite struct EventStreamTests {
    /// Opens Ada's event stream (with her session, or with an API token of hers), lets `end` run
    /// from another client shortly after, and reads the stream to its end — or ends every stream
    /// after ten seconds, so a stream that would never end fails the time check instead of hanging
    /// the test.
    func readStream(
        _ app: TestApp,
        withToken: Bool = false,
        end: @escaping @Sendable (_ elsewhere: Client, _ ada: User, _ tokenId: Int64?) async throws -> Void
    ) async throws -> (reply: Client.Reply, took: Duration, refusedAfter: Client.Reply) {
        try await app.createUser("root@example.com", role: .admin)
        let ada = try await app.createUser("ada@example.com")
        nonisolated(unsafe) var result: (Client.Reply, Duration, Client.Reply)?
        try await app.test { browser in
            try await browser.login("ada@example.com")
            var bearer: String?
            var tokenId: Int64?
            if withToken {
                let created = try await browser.send(
                    .post,
                    "/api/auth/tokens",
                    json: #"{"name": "script", "password": "\#(TestApp.password)"}"#
                )
                if case .string(let token)? = created.value("token"), case .number(let id)? = created.value("id") {
                    (bearer, tokenId) = (token, Int64(id))
                }
                browser.cookie = nil
            }
            let elsewhere = Client(client: browser.client)
            let started = ContinuousClock.now
            let revoked = tokenId
            Task {
                try await Task.sleep(for: .milliseconds(300))
                try await end(elsewhere, ada, revoked)
            }
            let deadline = Task {
                try await Task.sleep(for: .seconds(10))
                await app.services.events.finishAll()
            }
            defer { deadline.cancel() }
            let reply = try await browser.send(.get, "/api/events", bearer: bearer)
            let took = ContinuousClock.now - started
            result = (reply, took, try await browser.send(.get, "/api/events", bearer: bearer))
        }
        let (reply, took, refused) = try #require(result)
        return (reply, took, refused)
    }

    @Test func anEventIdThatNoStreamSentIsRefused() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { browser in
            try await browser.login("ada@example.com")
            let lastEventID = HTTPField.Name("Last-Event-ID")!
            for (query, header) in [
                ("?last_event_id=abc", nil), ("?last_event_id=-1", nil), ("", "{}"), ("?last_event_id=3", "x"),
            ] {
                let reply = try await browser.send(
                    .get,
                    "/api/events\(query)",
                    headers: header.map { [lastEventID: $0] } ?? [:]
                )
                #expect(
                    reply.status == .badRequest && reply.error == "invalid_last_event_id",
                    "\(query) \(header ?? "")"
                )
            }
        }
    }

    @Test func anIdleStreamIsKeptAliveAndEndsOnceItsUserSignsOutEverywhere() async throws {
        let app = try TestApp(eventKeepAlive: .milliseconds(100))
        let (reply, took, refused) = try await self.readStream(app) { elsewhere, _, _ in
            try await elsewhere.login("ada@example.com")
            try await elsewhere.send(.post, "/api/auth/logout-all")
        }
        #expect(reply.status == .ok)
        #expect(reply.body.hasPrefix("retry: 3000\n: connected\n\n"))
        #expect(reply.body.contains(": ping\n\n"), "an idle stream gets a comment every interval")
        #expect(took < .seconds(5), "the stream ended soon after the sign-out")
        #expect(refused.error == "not_signed_in", "and the browser is refused a new one")
    }

    @Test func aStreamEndsWhenAnAdminDeactivatesItsUser() async throws {
        let app = try TestApp(eventKeepAlive: .milliseconds(100))
        let (reply, took, refused) = try await self.readStream(app) { admin, ada, _ in
            try await admin.login("root@example.com")
            try await admin.send(.patch, "/api/admin/users/\(ada.id!)", json: #"{"active": false}"#)
        }
        #expect(reply.status == .ok)
        #expect(took < .seconds(5), "the stream ended soon after the deactivation")
        #expect(refused.error == "not_signed_in")
    }

    @Test func aStreamOpenedWithAnAPITokenEndsWhenTheTokenIsRevoked() async throws {
        let app = try TestApp(eventKeepAlive: .milliseconds(100))
        let (reply, took, refused) = try await self.readStream(app, withToken: true) { ada, _, tokenId in
            try await ada.login("ada@example.com")
            try await ada.send(.delete, "/api/auth/tokens/\(tokenId ?? 0)")
        }
        #expect(reply.status == .ok && reply.body.contains(": connected"), "the token opened the stream")
        #expect(took < .seconds(5), "the stream ended soon after the token was revoked")
        #expect(refused.error == "invalid_token")
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

@Suite struct SessionTests {
    @Test func selfRegistrationIsAlwaysRefused() async throws {
        let app = try TestApp()
        try await app.test { client in
            let reply = try await client.send(
                .post,
                "/api/auth/register",
                json: #"{"email":"x@example.com","password":"long enough pw"}"#
            )
            #expect(reply.status == .forbidden)
            #expect(reply.error == "self_registration_disabled")
        }
        #expect(try await app.database.pool.read { db in try User.fetchCount(db) } == 0)
    }

    @Test func signInSetsAHardenedCookieAndMeAnswers() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            let login = try await client.login("ADA@example.com")
            #expect(login.status == .ok)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("crm_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
            #expect(login.value("user", "email") == "ada@example.com")
            #expect(!login.body.contains("password_hash") && !login.body.contains("$2"))

            let me = try await client.send(.get, "/api/auth/me")
            #expect(me.status == .ok)
            #expect(me.body.contains(#""role":"member""#))
        }
    }

    @Test func productionCookiesAreSecure() async throws {
        let app = try TestApp(environment: [
            "CRM_ENV": "production", "CRM_SECRET_KEY": String(repeating: "s", count: 40), "CRM_BCRYPT_COST": "12",
        ])
        try await app.createUser("ada@example.com")
        try await app.test { client in
            let login = try await client.login("ada@example.com")
            #expect(
                login.headers[values: .setCookie].contains { $0.hasPrefix("crm_session=") && $0.contains("Secure") }
            )
        }
    }

    @Test func wrongPasswordUnknownEmailAndInactiveUserAllGetTheSameAnswer() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        let inactive = try await app.createUser("bob@example.com")
        try await app.database.pool.write { db in
            try db.execute(sql: "UPDATE users SET active = 0 WHERE id = ?", arguments: [inactive.id])
        }
        try await app.test { client in
            for (email, password) in [
                ("ada@example.com", "wrong password!!"), ("nobody@example.com", TestApp.password),
                ("bob@example.com", TestApp.password), ("ada@example.com", String(repeating: "x", count: 5000)),
            ] {
                let reply = try await client.login(email, password: password)
                #expect(reply.status == .unauthorized)
                #expect(reply.error == "invalid_credentials")
                #expect(reply.headers[.setCookie] == nil)
            }
            #expect(try await client.send(.get, "/api/auth/me").status == .unauthorized)
        }
    }

    @Test func malformedSignInBodiesAre4xxJSON() async throws {
        let app = try TestApp()
        try await app.test { client in
            for body in ["", "{", "[]", #"{"email": 1}"#, #"{"email": "a@b.co"}"#, String(repeating: "[", count: 5000)]
            {
                let reply = try await client.send(.post, "/api/auth/login", json: body)
                #expect(reply.status == .badRequest, "body \(body.prefix(20))")
                #expect(reply.error == "malformed_json")
            }
            let wrongType = try await client.send(.post, "/api/auth/login", headers: [.contentType: "text/plain"])
            #expect(wrongType.status == .unsupportedMediaType)
        }
    }

    @Test func signOutEndsTheSession() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let stolen = client.cookie
            let logout = try await client.send(.post, "/api/auth/logout")
            #expect(logout.status == .noContent)
            #expect(client.cookie == nil)
            client.cookie = stolen
            #expect(try await client.send(.get, "/api/auth/me").status == .unauthorized)
        }
    }

    @Test func sessionsSlideForFourteenDaysButNeverPassThirty() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        let day: TimeInterval = 24 * 3600
        try await app.test { client in
            try await client.login("ada@example.com")
            for _ in 0..<2 {
                app.clock.advance(by: 13 * day)
                #expect(try await client.send(.get, "/api/auth/me").status == .ok)
            }
            app.clock.advance(by: 4 * day + 60)
            #expect(try await client.send(.get, "/api/auth/me").status == .unauthorized, "30-day absolute limit")

            try await client.login("ada@example.com")
            app.clock.advance(by: 14 * day + 60)
            #expect(try await client.send(.get, "/api/auth/me").status == .unauthorized, "14 days unused")
        }
    }

    @Test func signOutEverywhereEndsEverySession() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { laptop in
            try await laptop.login("ada@example.com")
            let phone = Client(client: laptop.client)
            try await phone.login("ada@example.com")
            #expect(try await phone.send(.post, "/api/auth/logout-all").status == .noContent)
            #expect(try await laptop.send(.get, "/api/auth/me").status == .unauthorized)
            #expect(try await phone.send(.get, "/api/auth/me").status == .unauthorized)
        }
    }

    @Test func aOneTimePasswordMustBeReplacedBeforeAnythingElse() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin, mustChangePassword: true)
        try await app.test { client in
            try await client.login("root@example.com")
            let blocked = try await client.send(.get, "/api/admin/users")
            #expect(blocked.status == .forbidden)
            #expect(blocked.error == "password_change_required")
            let weak = try await client.send(
                .post,
                "/api/auth/password",
                json: #"{"current_password":"\#(TestApp.password)","new_password":"short"}"#
            )
            #expect(weak.status == .unprocessableContent)
            let wrong = try await client.send(
                .post,
                "/api/auth/password",
                json: #"{"current_password":"nope nope nope","new_password":"a brand new passphrase"}"#
            )
            #expect(wrong.status == .unprocessableContent)
            let changed = try await client.send(
                .post,
                "/api/auth/password",
                json: #"{"current_password":"\#(TestApp.password)","new_password":"a brand new passphrase"}"#
            )
            #expect(changed.status == .noContent)
            #expect(try await client.send(.get, "/api/admin/users").status == .ok)
            #expect(try await client.login("root@example.com", password: "a brand new passphrase").status == .ok)
        }
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

@Suite struct SecurityTests {
    @Test func aCookieWriteWithoutOurOriginIsRefused() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let tokenBody = #"{"name": "t", "password": "\#(TestApp.password)"}"#
            client.origin = nil
            let bare = try await client.send(.post, "/api/auth/tokens", json: tokenBody)
            #expect(bare.status == .forbidden)
            #expect(bare.error == "csrf_origin_mismatch")
            let evil = try await client.send(
                .post,
                "/api/auth/tokens",
                json: tokenBody,
                headers: [.origin: "https://evil.example"]
            )
            #expect(evil.error == "csrf_origin_mismatch")
            let lookalike = try await client.send(
                .post,
                "/api/auth/tokens",
                json: tokenBody,
                headers: [.origin: "http://crm.test.evil.example"]
            )
            #expect(lookalike.error == "csrf_origin_mismatch")
            let referer = try await client.send(
                .post,
                "/api/auth/tokens",
                json: tokenBody,
                headers: [.referer: "http://crm.test/investors?view=1"]
            )
            #expect(referer.status == .created)
            let origin = try await client.send(
                .post,
                "/api/auth/tokens",
                json: tokenBody,
                headers: [.origin: "HTTP://CRM.TEST"]
            )
            #expect(origin.status == .created)
            // Reads need no Origin.
            #expect(try await client.send(.get, "/api/auth/tokens").status == .ok)
        }
        #expect(try await app.database.pool.read { db in try APIToken.fetchCount(db) } == 2)
    }

    @Test func withoutAPublicURLTheOriginMustMatchTheHostAndTheBrowserMustSaySameOrigin() {
        let check = AuthenticationMiddleware.isSameOrigin
        #expect(check("http://localhost:8080", "localhost:8080", [], nil))
        #expect(check("http://localhost:8080/grid", "LOCALHOST:8080", [], nil))
        #expect(!check("http://attacker:8080", "localhost:8080", [], nil))
        #expect(!check("http://localhost:8080", nil, [], nil))
        #expect(!check(nil, "localhost:8080", [], nil))
        #expect(!check("null", "localhost:8080", [], nil))
        #expect(
            !check("http://localhost:8080", "localhost:8080", ["https://crm.fund.com"], nil),
            "a public URL replaces the Host rule"
        )
        #expect(check("http://crm.lan", "crm.lan", [], "same-origin"))
        #expect(!check("http://crm.lan", "crm.lan", [], "cross-site"), "the browser says the page is elsewhere")
        #expect(!check("http://crm.lan", "crm.lan", [], "same-site"))
        #expect(
            check("https://crm.fund.com", "crm.lan", ["https://crm.fund.com"], "cross-site") == true,
            "configured origins decide alone (a CORS origin is cross-site by design)"
        )
    }

    @Test func corsPreflightAllowsOnlyTheConfiguredOrigin() async throws {
        let configured = try TestApp(environment: ["CRM_CORS_ORIGIN": "https://app.example.com"])
        try await configured.test { client in
            let preflight = try await client.send(
                .options,
                "/api/auth/me",
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "PATCH"]
            )
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(preflight.headers[.accessControlAllowCredentials] == "true")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("PATCH") == true)
        }
        let closed = try TestApp()
        try await closed.test { client in
            let preflight = try await client.send(
                .options,
                "/api/auth/me",
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "GET"]
            )
            #expect(preflight.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func signInLocksAfterTenFailuresAMinuteForGrowingPeriods() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            for _ in 0..<10 {
                #expect(try await client.login("ada@example.com", password: "wrong password!").status == .unauthorized)
            }
            let locked = try await client.login("ada@example.com")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "60")
            #expect(locked.error == "rate_limited")

            app.clock.advance(by: 61)
            #expect(try await client.login("ada@example.com").status == .ok)
            client.device = nil

            for _ in 0..<10 { try await client.login("ada@example.com", password: "wrong password!") }
            app.clock.advance(by: 61)
            #expect(
                try await client.login("ada@example.com").status == .tooManyRequests,
                "the second lockout lasts longer"
            )
            app.clock.advance(by: 60)
            #expect(try await client.login("ada@example.com").status == .ok)
        }
    }

    /// Everyone behind one proxy shares an IP: ten wrong passwords from anywhere locked every
    /// sign-in. A browser that signed in to the account before is judged on its own failures.
    @Test func aKnownBrowserSignsInThroughIPAndAccountLocks() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { adas in
            #expect(try await adas.login("ada@example.com").status == .ok)
            let known = try #require(adas.device)
            #expect(try await adas.send(.post, "/api/auth/logout").status == .noContent)

            let stranger = Client(client: adas.client)
            for _ in 0..<10 { try await stranger.login("ada@example.com", password: "guessing ada's") }
            #expect(try await stranger.login("bob@example.com").status == .tooManyRequests, "the IP is locked")
            #expect(try await stranger.login("ada@example.com").status == .tooManyRequests, "and ada's account")

            #expect(try await adas.login("ada@example.com").status == .ok, "ada's own browser still signs in")
            #expect(adas.device == known, "a known browser keeps its cookie")

            let forged = Client(client: adas.client)
            // A middle character: every bit of it counts (the last one of base64 may be padding bits).
            var tampered = Array(known)
            let middle = tampered.count / 2
            tampered[middle] = tampered[middle] == "A" ? "B" : "A"
            forged.device = String(tampered)
            #expect(
                try await forged.login("ada@example.com").status == .tooManyRequests,
                "a tampered cookie counts for nothing"
            )
            let borrowed = Client(client: adas.client)
            borrowed.device = known
            #expect(
                try await borrowed.login("bob@example.com").status == .tooManyRequests,
                "ada's cookie does not vouch for bob"
            )

            for _ in 0..<10 { try await adas.login("ada@example.com", password: "typo typo typo") }
            #expect(
                try await adas.login("ada@example.com").status == .tooManyRequests,
                "a known browser still has its own limit"
            )
        }
    }

    /// A flood of anonymous writes from one address answered 429 to everyone's edits there.
    @Test func anonymousWritesNeverDrainTheTeamsWriteBudget() async throws {
        let app = try TestApp(environment: ["CRM_WRITE_RATE_PER_S": "1", "CRM_WRITE_BURST": "5"])
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let bob = Client(client: ada.client)
            try await bob.login("bob@example.com")
            let flood = Client(client: ada.client)
            for _ in 0..<10 { try await flood.send(.post, "/api/auth/register", json: "{}") }
            #expect(try await flood.send(.post, "/api/auth/register", json: "{}").status == .tooManyRequests)

            for _ in 0..<5 {
                #expect(
                    try await ada.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "A"}}"#)
                        .status == .created
                )
            }
            #expect(
                try await ada.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "A"}}"#).status
                    == .tooManyRequests
            )
            #expect(
                try await bob.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "B"}}"#).status
                    == .created,
                "each person has a budget of their own"
            )
        }
    }

    @Test func theWriteLimiterForgetsBucketsThatRefilled() async {
        let limiter = WriteLimiter(ratePerSecond: 10, burst: 100)
        let start = Date()
        for key in 0..<1000 { _ = await limiter.take(key: "ip:\(key)", now: start) }
        #expect(await limiter.count == 1000)
        _ = await limiter.take(key: "ip:new", now: start.addingTimeInterval(61))
        #expect(await limiter.count == 1)
    }

    @Test func theStatusWarnsWhenTheWholeTeamSignsInFromOnePrivateAddress() throws {
        let config = try CRMConfig(environment: [:])
        let now = Date()
        func status(_ addresses: [String], users: Int) -> SecurityStatusController.Check.Result? {
            SecurityStatusController.checks(
                config: config,
                facts: .init(activeAdmins: 2, sessionAddresses: addresses, sessionUsers: users),
                now: now
            ).first { $0.id == "client_addresses" }?.status
        }
        #expect(status(["10.0.3.1"], users: 3) == .warn)
        #expect(status(["10.0.3.1"], users: 1) == .pass)
        #expect(status(["10.0.3.1", "10.0.3.7"], users: 3) == .pass)
        #expect(status(["203.0.113.7"], users: 3) == .pass)
    }

    @Test func theThrottleCountsEachKeyOnItsOwn() async {
        let throttle = LoginThrottle(limit: 3)
        let now = Date()
        for _ in 0..<3 { await throttle.recordFailure(keys: ["ip:1", "account:a"], now: now) }
        #expect(await throttle.retryAfter(keys: ["ip:2", "account:a"], now: now) == 60)
        #expect(await throttle.retryAfter(keys: ["ip:1", "account:b"], now: now) == 60)
        #expect(await throttle.retryAfter(keys: ["ip:2", "account:b"], now: now) == nil)
        await throttle.recordSuccess(key: "account:a")
        #expect(await throttle.retryAfter(keys: ["account:a"], now: now) == nil)
        // Failures spread over more than a minute never lock.
        for minute in 0..<10 {
            await throttle.recordFailure(keys: ["ip:3"], now: now.addingTimeInterval(Double(minute) * 40))
        }
        #expect(await throttle.retryAfter(keys: ["ip:3"], now: now.addingTimeInterval(400)) == nil)
    }

    @Test func writesAreLimitedPerClientAndRecover() async throws {
        let app = try TestApp(environment: ["CRM_WRITE_RATE_PER_S": "1", "CRM_WRITE_BURST": "5"])
        try await app.test { client in
            for _ in 0..<5 {
                #expect(
                    try await client.send(.post, "/api/auth/register", json: "{}").error == "self_registration_disabled"
                )
            }
            let limited = try await client.send(.post, "/api/auth/register", json: "{}")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "1")
            #expect(try await client.send(.get, "/healthz").status == .ok, "reads are not limited")
            app.clock.advance(by: 2)
            #expect(
                try await client.send(.post, "/api/auth/register", json: "{}").error == "self_registration_disabled"
            )
        }
    }

    @Test func theDefaultLimitLetsABurstOfAPasteThrough() async throws {
        let app = try TestApp()
        try await app.test { client in
            for _ in 0..<400 {
                let reply = try await client.send(.post, "/api/auth/register", json: "{}")
                #expect(reply.status == .forbidden)
            }
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let app = try TestApp()
        try await app.test { client in
            for uri in ["/healthz", "/api/auth/me", "/no/such/page"] {
                let reply = try await client.send(.get, uri)
                let csp = try #require(reply.headers[.contentSecurityPolicy])
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[.referrerPolicy] == "same-origin")
                #expect(reply.headers[.xFrameOptions] == "DENY")
            }
            #expect(try await client.send(.get, "/api/auth/me").headers[.cacheControl] == "no-store")
        }
    }

    @Test func securityStatusListsEveryGoLiveCheck() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            let report = try await admin.send(.get, "/api/security/status")
            #expect(report.status == .ok)
            guard case .array(let checks)? = report.value("checks") else {
                Issue.record("no checks in \(report.body)")
                return
            }
            var byID: [String: String] = [:]
            for case .object(let check) in checks {
                if case .string(let id)? = check["id"], case .string(let status)? = check["status"] {
                    byID[id] = status
                }
            }
            #expect(
                Set(byID.keys) == [
                    "production_mode", "secret_key", "cors", "secure_cookies", "public_url_https", "admins",
                    "stale_invites",
                    "backup_freshness", "client_addresses", "smtp",
                ]
            )
            #expect(byID["production_mode"] == "warn")
            #expect(byID["admins"] == "warn")
            #expect(byID["public_url_https"] == "warn")
            #expect(report.value("overall") == "warn")

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(try await member.send(.get, "/api/security/status").status == .forbidden)
        }
    }

    @Test func productionWithHTTPSPassesTheURLAndCookieChecks() {
        let config = try! CRMConfig(environment: [
            "CRM_ENV": "production", "CRM_SECRET_KEY": String(repeating: "k", count: 32),
            "CRM_PUBLIC_URL": "https://crm.fund.com",
        ])
        let checks = SecurityStatusController.checks(
            config: config,
            facts: .init(activeAdmins: 2, mailerFigures: ["smtp_configured": true]),
            now: Date()
        )
        let failing = checks.filter { $0.status != .pass }.map(\.id)
        #expect(failing == ["backup_freshness"])
        #expect(checks.first { $0.id == "backup_freshness" }?.status == .warn, "no verified backup yet")

        let now = Date()
        let fresh = SecurityStatusController.checks(
            config: config,
            facts: .init(activeAdmins: 2, newestVerifiedBackup: now.addingTimeInterval(-3600)),
            now: now
        )
        #expect(fresh.first { $0.id == "backup_freshness" }?.status == .pass)
        let stale = SecurityStatusController.checks(
            config: config,
            facts: .init(activeAdmins: 2, newestVerifiedBackup: now.addingTimeInterval(-48 * 3600)),
            now: now
        )
        #expect(stale.first { $0.id == "backup_freshness" }?.status == .fail)
    }

    @Test(arguments: [
        ("10.0.0.9", "203.0.113.7", [String](), "10.0.0.9"),
        ("10.0.0.9", "203.0.113.7", ["10.0.0.9"], "203.0.113.7"),
        ("10.0.0.9", "198.51.100.1, 203.0.113.7", ["10.0.0.9"], "203.0.113.7"),
        ("10.0.0.9", "203.0.113.7, 10.0.0.8", ["10.0.0.9", "10.0.0.8"], "203.0.113.7"),
        ("10.0.0.9", nil, ["10.0.0.9"], "10.0.0.9"),
        ("172.30.87.3", "198.51.100.1, 203.0.113.7", ["172.30.87.0/24"], "203.0.113.7"),
        ("172.30.88.3", "203.0.113.7", ["172.30.87.0/24"], "172.30.88.3"),
        ("::ffff:10.0.3.1", "192.168.1.20", ["10.0.3.1"], "192.168.1.20"),
        ("fd00::2", "2001:db8::7", ["fd00::/8"], "2001:db8::7"),
    ])
    func clientAddressTrustsForwardedForOnlyFromProxies(
        peer: String,
        forwarded: String?,
        trusted: [String],
        expected: String
    ) {
        #expect(
            ClientAddress.resolve(
                peer: peer,
                forwardedFor: forwarded,
                trustedProxies: TrustedProxies(trusted.compactMap(IPRange.init))
            ) == expected
        )
    }
}

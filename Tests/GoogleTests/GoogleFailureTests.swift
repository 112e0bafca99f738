import Foundation
import Testing

@testable import Google

/// Google's refusals become sentences an admin can act on, decided by Google's codes.
struct GoogleFailureTests {
    func token(_ status: Int, _ error: String, _ description: String = "") -> GoogleFailure {
        let body = try! JSONSerialization.data(withJSONObject: ["error": error, "error_description": description])
        return GoogleFailure.token(
            status: status,
            body: body,
            mailbox: "ann@fund.example",
            scopes: [.readonly],
            clientId: "1048576",
            retryAfter: nil
        )
    }

    @Test func undelegatedScopesNameTheClientIdAndTheWait() {
        let failure = self.token(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens")
        #expect(failure.kind == .delegation)
        #expect(failure.sentence.contains("client ID 1048576"))
        #expect(failure.sentence.contains("https://www.googleapis.com/auth/gmail.readonly"))
        #expect(failure.sentence.contains("24 h"))
    }

    @Test func invalidGrantIsReadFromItsDescription() {
        #expect(self.token(400, "invalid_grant", "Invalid email or User ID").kind == .mailbox)
        #expect(self.token(400, "invalid_grant", "Invalid JWT Signature.").kind == .key)
        let clock = self.token(
            400,
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values"
        )
        #expect(clock.kind == .clock)
        #expect(clock.sentence.contains("NTP"))
    }

    @Test func serverTroubleIsTransientWhateverTheCode() {
        #expect(self.token(503, "").isTransient)
        #expect(self.token(400, "temporarily_unavailable").isTransient)
        #expect(!self.token(400, "invalid_grant", "Invalid email or User ID").isTransient)
        #expect(self.token(400, "disabled_client").kind == .key)
    }

    @Test func unknownAnswersQuoteGoogleOnOneShortLine() {
        let failure = self.token(400, "weird", "line one\nline two " + String(repeating: "x", count: 1000))
        #expect(failure.kind == .other)
        #expect(!failure.sentence.contains("\n"))
        #expect(failure.sentence.count < 400)
        #expect(
            GoogleFailure.token(
                status: 400,
                body: Data("<html>".utf8),
                mailbox: "a@b.c",
                scopes: [],
                clientId: "1",
                retryAfter: nil
            ).kind == .other
        )
    }

    func gmail(_ status: Int, _ reason: String, _ message: String = "", retryAfter: Date? = nil) -> GoogleFailure {
        let body = try! JSONSerialization.data(withJSONObject: [
            "error": ["code": status, "message": message, "errors": [["reason": reason, "domain": "global"]]]
        ])
        return GoogleFailure.gmail(
            status: status,
            body: body,
            mailbox: "ann@fund.example",
            retryAfter: retryAfter,
            now: Date(timeIntervalSince1970: 1_800_000_000)
        )
    }

    @Test func throttlingWaitsForWhatGoogleSaid() {
        let stated = Date(timeIntervalSince1970: 1_800_000_120)
        #expect(self.gmail(429, "rateLimitExceeded", retryAfter: stated).retryAfter == stated)
        let inText = self.gmail(
            403,
            "userRateLimitExceeded",
            "User-rate limit exceeded.  Retry after 2027-01-15T08:00:00.000Z"
        )
        #expect(inText.kind == .throttled)
        #expect(inText.retryAfter == ISO8601DateFormatter().date(from: "2027-01-15T08:00:00Z"))
        #expect(self.gmail(429, "rateLimitExceeded").retryAfter == Date(timeIntervalSince1970: 1_800_000_060))
    }

    @Test func gmailRefusalsNameTheFix() {
        #expect(self.gmail(403, "domainPolicy").kind == .delegation)
        #expect(self.gmail(403, "domainPolicy").sentence.contains("Admin console"))
        #expect(self.gmail(400, "failedPrecondition").kind == .mailbox)
        #expect(self.gmail(401, "authError").kind == .unauthenticated)
        #expect(self.gmail(404, "notFound").kind == .notFound)
        #expect(self.gmail(500, "backendError").isTransient)
        #expect(self.gmail(403, "forbidden", "Delegation denied for x").kind == .other)
    }

    @Test func retryAfterHeadersInBothForms() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(GoogleHTTP.retryAfter("120", now: now) == now.addingTimeInterval(120))
        #expect(GoogleHTTP.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT", now: now) != nil)
        #expect(GoogleHTTP.retryAfter("soon", now: now) == nil)
    }
}

import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import Shared

/// Access tokens for each mailbox, by domain-wide delegation: an RS256 assertion signed with the
/// service account's key (`sub` = the mailbox) is exchanged at the key's token endpoint, and the
/// token is kept until five minutes before it expires. Concurrent asks for the same mailbox
/// share one exchange.
public actor AccessTokens {
    private struct Held {
        let token: Secret
        let renewAt: Date
    }

    public nonisolated let key: ServiceAccountKey
    private let keys: JWTKeyCollection
    private let kid: JWKIdentifier?
    private let http: GoogleHTTP
    private let now: @Sendable () -> Date
    private var held: [String: Held] = [:]
    private var pending: [String: Task<Held, any Error>] = [:]
    /// Google's clock as of the last token answer, for the doctor's clock check.
    public private(set) var lastServerDate: Date?

    /// How long before its expiry a token is replaced.
    static let margin: TimeInterval = 300

    public init(key: ServiceAccountKey, now: @escaping @Sendable () -> Date = { Date() }) async {
        self.key = key
        self.keys = JWTKeyCollection()
        self.kid = key.privateKeyId.map { JWKIdentifier(string: $0) }
        await self.keys.add(rsa: key.privateKey, digestAlgorithm: .sha256, kid: self.kid)
        self.http = GoogleHTTP(timeout: .seconds(30))
        self.now = now
    }

    /// A bearer token for `mailbox` with `scopes`.
    public func token(for mailbox: String, scopes: [GoogleScope]) async throws(GoogleFailure) -> Secret {
        let slot = Self.slot(mailbox, scopes)
        if let held = self.held[slot], held.renewAt > self.now() { return held.token }
        let task =
            self.pending[slot]
            ?? Task { try await self.exchange(mailbox: mailbox, scopes: scopes) }
        self.pending[slot] = task
        defer { self.pending[slot] = nil }
        do {
            let fresh = try await task.value
            self.held[slot] = fresh
            return fresh.token
        } catch let failure as GoogleFailure {
            throw failure
        } catch {
            throw GoogleFailure(.other, "The token request could not be built (\(GoogleHTTP.plain(error))).")
        }
    }

    /// Drops the token Gmail refused, so the next ask exchanges a new one.
    public func forget(_ mailbox: String, scopes: [GoogleScope]) {
        self.held[Self.slot(mailbox, scopes)] = nil
    }

    private func exchange(mailbox: String, scopes: [GoogleScope]) async throws -> Held {
        let issued = Int(self.now().timeIntervalSince1970) - 10
        let claims = Assertion(
            iss: self.key.clientEmail,
            sub: mailbox,
            scope: scopes.sorted().map(\.rawValue).joined(separator: " "),
            aud: self.key.tokenURI,
            iat: issued,
            exp: issued + 3600
        )
        let assertion = try await self.keys.sign(claims, kid: self.kid)
        var form = URLComponents()
        form.queryItems = [
            URLQueryItem(name: "grant_type", value: "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            URLQueryItem(name: "assertion", value: assertion),
        ]
        let body = Data((form.percentEncodedQuery ?? "").utf8)
        let asked = self.now()
        let answer = try await self.http.send(
            .POST,
            self.key.tokenURI,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: body,
            now: asked
        )
        self.lastServerDate = answer.date
        guard answer.status == 200 else {
            throw GoogleFailure.token(
                status: answer.status,
                body: answer.body,
                mailbox: mailbox,
                scopes: scopes,
                clientId: self.key.clientId,
                retryAfter: answer.retryAfter
            )
        }
        guard let granted = try? JSONDecoder().decode(TokenAnswer.self, from: answer.body),
            !granted.accessToken.isEmpty
        else {
            throw GoogleFailure(.unavailable, "Google's sign-in service sent an answer the CRM could not read.")
        }
        // No expiry given: treat it as Google's usual hour.
        let lifetime = TimeInterval(granted.expiresIn ?? 3600)
        return Held(
            token: Secret(granted.accessToken),
            renewAt: asked.addingTimeInterval(max(0, lifetime - Self.margin))
        )
    }

    private static func slot(_ mailbox: String, _ scopes: [GoogleScope]) -> String {
        mailbox.lowercased() + " " + scopes.sorted().map(\.rawValue).joined(separator: " ")
    }
}

/// The claims of a domain-wide delegation assertion; times in whole seconds, as Google requires.
private struct Assertion: JWTPayload {
    let iss: String
    let sub: String
    let scope: String
    let aud: String
    let iat: Int
    let exp: Int

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

private struct TokenAnswer: Decodable {
    let accessToken: String
    let expiresIn: Int?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
    }
}

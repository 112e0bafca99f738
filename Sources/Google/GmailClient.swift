import Foundation
import NIOHTTP1
import Shared

/// The Gmail API as the CRM uses it: reading one mailbox at a time, always as that mailbox's own
/// delegated user (`users/me`). It has no method that sends, and must never get one: the CRM
/// drafts, people send.
public struct GmailClient: Sendable {
    public let tokens: AccessTokens
    let base: String
    let http: GoogleHTTP
    let now: @Sendable () -> Date

    public init(tokens: AccessTokens, config: GoogleConfig, now: @escaping @Sendable () -> Date = { Date() }) {
        self.tokens = tokens
        self.base = config.gmailBase
        self.http = GoogleHTTP()
        self.now = now
    }

    /// The mailbox's address, size and current history position.
    public struct Profile: Decodable, Sendable {
        public let emailAddress: String
        public let messagesTotal: Int?
        public let historyId: String
    }

    public func profile(_ mailbox: String) async throws(GoogleFailure) -> Profile {
        try await self.get(mailbox, "profile", scopes: [.readonly])
    }

    /// GETs `users/me/<path>` and decodes the answer; a refused token is replaced once.
    func get<T: Decodable>(_ mailbox: String, _ path: String, scopes: [GoogleScope]) async throws(GoogleFailure) -> T {
        var retried = false
        while true {
            let token = try await self.tokens.token(for: mailbox, scopes: scopes)
            let answer = try await self.http.send(
                .GET,
                "\(self.base)/gmail/v1/users/me/\(path)",
                headers: [("Authorization", "Bearer \(token.reveal())"), ("Accept", "application/json")],
                now: self.now()
            )
            if (200..<300).contains(answer.status) {
                do {
                    return try JSONDecoder().decode(T.self, from: answer.body)
                } catch {
                    throw GoogleFailure(.unavailable, "Gmail sent an answer the CRM could not read.")
                }
            }
            let failure = GoogleFailure.gmail(
                status: answer.status,
                body: answer.body,
                mailbox: mailbox,
                retryAfter: answer.retryAfter,
                now: self.now()
            )
            guard failure.kind == .unauthenticated, !retried else { throw failure }
            retried = true
            await self.tokens.forget(mailbox, scopes: scopes)
        }
    }
}

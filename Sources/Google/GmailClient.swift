import Foundation
import NIOHTTP1
import Shared

/// The Gmail API as the CRM uses it: reading one mailbox at a time, always as that mailbox's own
/// delegated user (`users/me`). It has no method that sends, and must never get one: the CRM
/// drafts, people send.
public struct GmailClient: Sendable {
    public let tokens: AccessTokens
    /// The mailbox's share of Gmail's quota; every request spends from it.
    public let quota: GmailQuota
    let base: String
    let backoff: Backoff
    let http: GoogleHTTP
    let now: @Sendable () -> Date

    public init(
        tokens: AccessTokens,
        config: GoogleConfig,
        quota: GmailQuota = GmailQuota(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tokens = tokens
        self.quota = quota
        self.base = config.gmailBase
        self.backoff = config.backoff
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
        try await self.get(mailbox, "profile", units: self.quota.costs.profile)
    }

    /// One page of the mailbox's message ids, newest first, matching Gmail search `query`.
    public struct MessagePage: Decodable, Sendable {
        public struct Listed: Decodable, Sendable {
            public let id: String
            public let threadId: String
        }
        public let messages: [Listed]?
        public let nextPageToken: String?
    }

    public func list(
        _ mailbox: String,
        query: String,
        pageToken: String?,
        pageSize: Int = 500
    )
        async throws(GoogleFailure) -> MessagePage
    {
        var items = [URLQueryItem(name: "q", value: query), URLQueryItem(name: "maxResults", value: String(pageSize))]
        if let pageToken { items.append(URLQueryItem(name: "pageToken", value: pageToken)) }
        return try await self.get(mailbox, "messages" + Self.query(items), units: self.quota.costs.list)
    }

    public enum Format: Sendable {
        /// Labels and the named headers only: enough to decide relevance without reading the body.
        case metadata([String])
        case full
    }

    public func message(_ mailbox: String, id: String, format: Format) async throws(GoogleFailure) -> GmailMessage {
        var items: [URLQueryItem]
        switch format {
        case .metadata(let headers):
            items = [URLQueryItem(name: "format", value: "metadata")]
            items += headers.map { URLQueryItem(name: "metadataHeaders", value: $0) }
        case .full:
            items = [URLQueryItem(name: "format", value: "full")]
        }
        let path = "messages/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id)
        return try await self.get(mailbox, path + Self.query(items), units: self.quota.costs.get)
    }

    /// One page of the mailbox's changes after `startHistoryId`: messages added.
    public struct HistoryPage: Decodable, Sendable {
        public struct Record: Decodable, Sendable {
            public struct Added: Decodable, Sendable {
                public let message: MessagePage.Listed
            }
            public let id: String
            public let messagesAdded: [Added]?
        }
        public let history: [Record]?
        public let nextPageToken: String?
        public let historyId: String
    }

    public func history(
        _ mailbox: String,
        after startHistoryId: String,
        pageToken: String?
    )
        async throws(GoogleFailure) -> HistoryPage
    {
        var items = [
            URLQueryItem(name: "startHistoryId", value: startHistoryId),
            URLQueryItem(name: "historyTypes", value: "messageAdded"), URLQueryItem(name: "maxResults", value: "500"),
        ]
        if let pageToken { items.append(URLQueryItem(name: "pageToken", value: pageToken)) }
        return try await self.get(mailbox, "history" + Self.query(items), units: self.quota.costs.history)
    }

    private static func query(_ items: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.queryItems = items
        // `+` reads as a space in a query: Gmail search text must keep its pluses.
        return "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }

    /// GETs `users/me/<path>` and decodes the answer, spending `units` of the mailbox's quota
    /// each try. A refused token is replaced once; a 429 or 5xx is tried again after a backoff
    /// (or as long as `Retry-After` says, when that is short), then handed on.
    func get<T: Decodable>(_ mailbox: String, _ path: String, units: Int) async throws(GoogleFailure) -> T {
        let scopes: [GoogleScope] = [.readonly]
        var refreshed = false
        var attempt = 0
        while true {
            let token = try await self.tokens.token(for: mailbox, scopes: scopes)
            await self.quota.acquire(units)
            let outcome: Result<GoogleHTTP.Answer, GoogleFailure>
            do {
                outcome = .success(
                    try await self.http.send(
                        .GET,
                        "\(self.base)/gmail/v1/users/me/\(path)",
                        headers: [("Authorization", "Bearer \(token.reveal())"), ("Accept", "application/json")],
                        now: self.now()
                    )
                )
            } catch {
                outcome = .failure(error)
            }
            await self.quota.release()
            let failure: GoogleFailure
            switch outcome {
            case .success(let answer) where (200..<300).contains(answer.status):
                do {
                    return try JSONDecoder().decode(T.self, from: answer.body)
                } catch {
                    throw GoogleFailure(.unavailable, "Gmail sent an answer the CRM could not read.")
                }
            case .success(let answer):
                failure = GoogleFailure.gmail(
                    status: answer.status,
                    body: answer.body,
                    mailbox: mailbox,
                    retryAfter: answer.retryAfter,
                    now: self.now()
                )
            case .failure(let error):
                failure = error
            }
            if failure.kind == .unauthenticated, !refreshed {
                refreshed = true
                await self.tokens.forget(mailbox, scopes: scopes)
                continue
            }
            guard failure.isTransient,
                let wait = self.backoff.delay(attempt: attempt, retryAfter: failure.retryAfter, now: self.now())
            else { throw failure }
            attempt += 1
            if let until = failure.retryAfter { await self.quota.pause(until: until) }
            try? await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
        }
    }
}

import Foundation

/// Why Google refused or could not be reached, as a sentence an admin can act on. Built from
/// Google's error codes, never from anything secret: neither the key nor a token is ever part
/// of one.
public struct GoogleFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The key file is missing, malformed, or Google does not recognise it.
        case key
        /// This box's clock is too far from Google's for a signed assertion to be accepted.
        case clock
        /// Domain-wide delegation does not cover the client id or the scopes.
        case delegation
        /// The mailbox is not an active Workspace user, or has no usable Gmail.
        case mailbox
        /// Too many requests: wait until `retryAfter`.
        case throttled
        /// Google answered 5xx or could not be reached: try again later.
        case unavailable
        /// The access token was refused: get a new one and try once more.
        case unauthenticated
        /// The message or history position no longer exists.
        case notFound
        /// Anything else: a request Google considers malformed, which is the CRM's own bug.
        case other
    }

    public let kind: Kind
    /// What went wrong and how to fix it, in plain words.
    public let sentence: String
    /// Google's own code (`unauthorized_client`, `rateLimitExceeded`, …), for logs and tests.
    public let code: String?
    public let status: Int?
    /// When Google said to try again (a `Retry-After` header or a "Retry after" time).
    public let retryAfter: Date?

    public init(_ kind: Kind, _ sentence: String, code: String? = nil, status: Int? = nil, retryAfter: Date? = nil) {
        self.kind = kind
        self.sentence = sentence
        self.code = code
        self.status = status
        self.retryAfter = retryAfter
    }

    public var description: String { self.sentence }

    /// Worth trying again later without anyone changing anything.
    public var isTransient: Bool { [.throttled, .unavailable].contains(self.kind) }
}

extension GoogleFailure {
    /// An answer of the token endpoint other than 200: `{"error", "error_description"}`. The
    /// decision rests on `error`, not the status, which Google varies (400 or 401).
    static func token(
        status: Int,
        body: Data,
        mailbox: String,
        scopes: [GoogleScope],
        clientId: String,
        retryAfter: Date?
    ) -> GoogleFailure {
        let answer = try? JSONDecoder().decode(OAuthError.self, from: body)
        let code = answer?.error ?? ""
        let said = Self.quoted(answer?.errorDescription ?? "")
        let scopeList = scopes.map(\.rawValue).joined(separator: ",")
        if [408, 429, 500, 502, 503, 504].contains(status)
            || ["internal_failure", "server_error", "temporarily_unavailable"].contains(code)
        {
            return GoogleFailure(
                .unavailable,
                "Google's sign-in service did not answer properly (HTTP \(status)); the CRM tries again by itself.",
                code: code.isEmpty ? nil : code,
                status: status,
                retryAfter: retryAfter
            )
        }
        switch code {
        case "unauthorized_client":
            return GoogleFailure(
                .delegation,
                "The scopes are not authorised for client ID \(clientId) in the Google Admin console. Open Security → "
                    + "Access and data control → API controls → Manage Domain Wide Delegation, add client ID "
                    + "\(clientId) (the number, not the email address) with the scopes \(scopeList). "
                    + "It can take up to 24 h to take effect.",
                code: code,
                status: status
            )
        case "access_denied", "admin_policy_enforced", "org_internal":
            return GoogleFailure(
                .delegation,
                "Google denied access to \(mailbox)'s mail (\(code)): the scopes are not authorised for client ID "
                    + "\(clientId), or Google services are restricted for this user's organisational unit. Check "
                    + "Domain Wide Delegation and the user's services in the Google Admin console.",
                code: code,
                status: status
            )
        case "invalid_grant" where said.contains("email") || said.contains("User ID"):
            return GoogleFailure(
                .mailbox,
                "\(mailbox) is not an active user of your Google Workspace (misspelt, suspended or deleted). "
                    + "Correct the address or turn off mail sync for this member.",
                code: code,
                status: status
            )
        case "invalid_grant" where said.contains("Signature"):
            return Self.unknownKey(code: code, status: status)
        case "invalid_grant" where said.contains("iat") || said.contains("exp") || said.contains("short-lived"):
            return GoogleFailure(
                .clock,
                "Google refused the sign-in because this server's clock is off. Turn on time synchronisation "
                    + "(NTP) on the server and run the check again.",
                code: code,
                status: status
            )
        case "disabled_client":
            return GoogleFailure(
                .key,
                "The service account or its key is disabled in Google Cloud. Enable it (IAM → Service accounts), "
                    + "or create a new key and save it with crm-scheduler set-service-account.",
                code: code,
                status: status
            )
        case "deleted_client", "invalid_client":
            return Self.unknownKey(code: code, status: status)
        default:
            return GoogleFailure(
                .other,
                "Google refused the token request (\(code.isEmpty ? "HTTP \(status)" : code)\(said.isEmpty ? "" : ": \(said)")).",
                code: code.isEmpty ? nil : code,
                status: status
            )
        }
    }

    static func unknownKey(code: String, status: Int) -> GoogleFailure {
        GoogleFailure(
            .key,
            "Google does not recognise the service account key (deleted, disabled, or from another service "
                + "account). Create a new JSON key in Google Cloud (IAM → Service accounts → Keys) and save it "
                + "with crm-scheduler set-service-account.",
            code: code,
            status: status
        )
    }

    /// A Gmail API answer other than 2xx, in Google's error shape
    /// (`{"error": {"code", "message", "status", "errors": [{"reason", "domain"}]}}`).
    static func gmail(status: Int, body: Data, mailbox: String, retryAfter: Date?, now: Date) -> GoogleFailure {
        let answer = try? JSONDecoder().decode(GmailErrorBody.self, from: body)
        let reason = answer?.error.errors?.first?.reason ?? answer?.error.status ?? ""
        let message = Self.quoted(answer?.error.message ?? "")
        let code = reason.isEmpty ? nil : reason
        switch (status, reason) {
        case (401, _):
            return GoogleFailure(.unauthenticated, "Gmail did not accept the access token.", code: code, status: status)
        case (429, _), (403, "userRateLimitExceeded"), (403, "rateLimitExceeded"):
            let until = retryAfter ?? Self.retryAfter(in: message) ?? now.addingTimeInterval(60)
            return GoogleFailure(
                .throttled,
                "Gmail asked the CRM to slow down for \(mailbox); it waits and carries on by itself.",
                code: code,
                status: status,
                retryAfter: until
            )
        case (403, "dailyLimitExceeded"):
            return GoogleFailure(
                .throttled,
                "The Google Cloud project has used its daily Gmail quota; sync carries on tomorrow.",
                code: code,
                status: status,
                retryAfter: retryAfter ?? now.addingTimeInterval(6 * 3600)
            )
        case (403, "domainPolicy"):
            return GoogleFailure(
                .delegation,
                "Your Workspace admin has turned off Gmail access for apps in this domain (domainPolicy). Allow it "
                    + "in the Google Admin console (Security → API controls), then run the check again.",
                code: code,
                status: status
            )
        case (403, "insufficientPermissions"):
            return GoogleFailure(
                .delegation,
                "The access token lacks the Gmail scope this needs: add it to the client's Domain Wide Delegation "
                    + "in the Google Admin console.",
                code: code,
                status: status
            )
        case (400, "failedPrecondition"):
            return GoogleFailure(
                .mailbox,
                "\(mailbox) has no usable Gmail mailbox: check that Gmail is turned on for this user in the Google "
                    + "Admin console.",
                code: code,
                status: status
            )
        case (404, _):
            return GoogleFailure(.notFound, "Gmail no longer has it.", code: code, status: status)
        case (500...599, _):
            return GoogleFailure(
                .unavailable,
                "Gmail did not answer properly (HTTP \(status)); the CRM tries again by itself.",
                code: code,
                status: status,
                retryAfter: retryAfter
            )
        default:
            return GoogleFailure(
                .other,
                "Gmail refused the request (HTTP \(status)\(code.map { ", \($0)" } ?? "")\(message.isEmpty ? "" : ": \(message)")).",
                code: code,
                status: status
            )
        }
    }

    /// The time in Gmail's "… Retry after 2026-12-07T10:15:00.123Z" messages.
    static func retryAfter(in message: String) -> Date? {
        guard let range = message.range(of: "Retry after ") else { return nil }
        let stamp = message[range.upperBound...].prefix { !$0.isWhitespace }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: String(stamp)) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: String(stamp))
    }

    /// Google's own words, kept short and on one line.
    static func quoted(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(300))
        return String(kept)
    }
}

private struct OAuthError: Decodable {
    let error: String?
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }
}

private struct GmailErrorBody: Decodable {
    struct Inner: Decodable {
        struct Item: Decodable {
            let reason: String?
            let domain: String?
        }
        let code: Int?
        let message: String?
        let status: String?
        let errors: [Item]?
    }
    let error: Inner
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// HTTPS to Google: one process-wide client that never follows redirects (a bearer token must
/// not travel to another host), with bounded waits and bounded answers.
struct GoogleHTTP: Sendable {
    struct Answer: Sendable {
        let status: Int
        let body: Data
        /// `Retry-After` as a time, when Google sent one (seconds or an HTTP date).
        let retryAfter: Date?
        /// Google's clock, from the `Date` header.
        let date: Date?
    }

    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60))
        )
    )

    /// Largest answer read: a Gmail message in full is at most about 35 MB of base64.
    static let maximumAnswerBytes = 64 * 1024 * 1024

    var timeout: TimeAmount = .seconds(120)

    func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        now: Date = Date()
    ) async throws(GoogleFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await Self.client.execute(request, timeout: self.timeout)
            let bytes = try await response.body.collect(upTo: Self.maximumAnswerBytes)
            return Answer(
                status: Int(response.status.code),
                body: Data(bytes.readableBytesView),
                retryAfter: response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: now) },
                date: response.headers.first(name: "Date").flatMap(Self.httpDate)
            )
        } catch {
            let host = URL(string: url)?.host ?? url
            throw GoogleFailure(
                .unavailable,
                "Could not reach Google at \(host) (\(Self.plain(error))); the CRM tries again by itself."
            )
        }
    }

    /// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
    static func retryAfter(_ value: String, now: Date) -> Date? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return now.addingTimeInterval(seconds)
        }
        return Self.httpDate(value)
    }

    static func httpDate(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value.trimmingCharacters(in: .whitespaces))
    }

    /// A transport error in a few words (NIO's descriptions can be long and type-laden).
    static func plain(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("responseBodyTooBig") || text.contains("tooManyBytes") { return "answer too large" }
        return String(text.prefix(120))
    }
}

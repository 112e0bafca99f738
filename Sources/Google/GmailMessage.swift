import Foundation
import Shared

/// A message as Gmail's API returns it (`format=metadata` or `full`). 64-bit numbers arrive as
/// strings; empty lists are left out; unknown fields are ignored.
public struct GmailMessage: Decodable, Sendable {
    public let id: String
    public let threadId: String
    public let labelIds: [String]?
    public let historyId: String?
    /// Gmail's acceptance time, in milliseconds since 1970, as a string.
    public let internalDate: String?
    public let sizeEstimate: Int?
    let payload: Part?

    struct Part: Decodable, Sendable {
        struct Header: Decodable, Sendable {
            let name: String
            let value: String
        }
        struct Body: Decodable, Sendable {
            let data: String?
            let attachmentId: String?
            let size: Int?
        }
        let mimeType: String?
        let filename: String?
        let headers: [Header]?
        let body: Body?
        let parts: [Part]?
    }

    public var labels: [String] { self.labelIds ?? [] }

    /// When Gmail took the message in.
    public var receivedAt: Date? {
        self.internalDate.flatMap(Int64.init).map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }

    /// The message's own headers (the top part's).
    public var headers: [(name: String, value: String)] {
        (self.payload?.headers ?? []).map { (name: $0.name, value: $0.value) }
    }

    /// The MIME tree with each part's content decoded from base64url.
    public var mime: MailPart? { self.payload.map(Self.part) }

    private static func part(_ part: Part) -> MailPart {
        MailPart(
            mimeType: part.mimeType ?? "application/octet-stream",
            filename: part.filename ?? "",
            headers: (part.headers ?? []).map { (name: $0.name, value: $0.value) },
            data: part.body?.data.flatMap(Base64URL.decode),
            parts: (part.parts ?? []).map(Self.part)
        )
    }
}

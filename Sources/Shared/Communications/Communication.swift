import Foundation
import GRDB

/// A logged touch with an investor or its contacts: a call, meeting, email, note or intro, when
/// it happened, who on the team, and a short summary.
public struct Communication: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
        case call, meeting, email, note, intro
    }

    /// Where it was logged: the web app, the API (a token), or from captured mail.
    public enum Source: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
        case app, api, email
    }

    public let id: Int64
    public var kind: Kind
    public var occurredAt: Date
    public var memberId: Int64?
    public var investorId: Int64?
    public var contactIds: [Int64]
    public var summary: String
    public let source: Source
    public let version: Int
    public let createdBy: Int64?
    public let createdAt: Date
    public let updatedAt: Date
    public let deletedAt: Date?

    init(row: Row, contactIds: [Int64]) {
        self.id = row["id"]
        self.kind = row["kind"]
        self.occurredAt = row["occurred_at"]
        self.memberId = row["member_id"]
        self.investorId = row["investor_id"]
        self.contactIds = contactIds
        self.summary = row["summary"]
        self.source = row["source"]
        self.version = row["version"]
        self.createdBy = row["created_by"]
        self.createdAt = row["created_at"]
        self.updatedAt = row["updated_at"]
        self.deletedAt = row["deleted_at"]
    }

    /// What the history keeps of it.
    var snapshot: JSONValue {
        .object([
            "kind": .string(self.kind.rawValue), "occurred_at": .string(ISO8601.string(self.occurredAt)),
            "member_id": self.memberId.map { .number(Double($0)) } ?? .null,
            "investor_id": self.investorId.map { .number(Double($0)) } ?? .null,
            "contact_ids": .array(self.contactIds.map { .number(Double($0)) }), "summary": .string(self.summary),
        ])
    }
}

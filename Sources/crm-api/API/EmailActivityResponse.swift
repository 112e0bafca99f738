import Foundation
import Hummingbird
import Shared

/// `{"messages": [...], "next_cursor": "…" | null}`
struct EmailActivityPage: ResponseEncodable {
    let messages: [EmailActivityItem]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case messages
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.messages, forKey: .messages)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}

/// One captured message as its reader may see it: `subject` null below the subject level,
/// `snippet` null below the full level or when a participant is marked private.
struct EmailActivityItem: Encodable {
    struct Member: Encodable {
        let userId: Int64
        let direction: String

        enum CodingKeys: String, CodingKey {
            case direction
            case userId = "user_id"
        }
    }

    let id: Int64
    let sentAt: Date
    let direction: String
    let from: String
    let fromName: String?
    let recipients: [String]
    let subject: String?
    let snippet: String?
    let privacy: String
    let threadKey: String
    let members: [Member]
    let investorIds: [Int64]
    let contactIds: [Int64]

    init(_ item: EmailActivity.Item) {
        self.id = item.id
        self.sentAt = item.sentAt
        self.direction = item.outbound ? "outbound" : "inbound"
        self.from = item.fromAddress
        self.fromName = item.fromName
        self.recipients = item.recipients
        self.subject = item.subject
        self.snippet = item.snippet
        self.privacy = item.privacy.rawValue
        self.threadKey = item.threadKey
        self.members = item.members.map { Member(userId: $0.userId, direction: $0.direction.rawValue) }
        self.investorIds = item.investorIds
        self.contactIds = item.contactIds
    }

    enum CodingKeys: String, CodingKey {
        case id, direction, from, recipients, subject, snippet, privacy, members
        case sentAt = "sent_at"
        case fromName = "from_name"
        case threadKey = "thread_key"
        case investorIds = "investor_ids"
        case contactIds = "contact_ids"
    }

    /// Every key always, `null` where the privacy level hides it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.sentAt, forKey: .sentAt)
        try container.encode(self.direction, forKey: .direction)
        try container.encode(self.from, forKey: .from)
        try container.encode(self.fromName, forKey: .fromName)
        try container.encode(self.recipients, forKey: .recipients)
        try container.encode(self.subject, forKey: .subject)
        try container.encode(self.snippet, forKey: .snippet)
        try container.encode(self.privacy, forKey: .privacy)
        try container.encode(self.threadKey, forKey: .threadKey)
        try container.encode(self.members, forKey: .members)
        try container.encode(self.investorIds, forKey: .investorIds)
        try container.encode(self.contactIds, forKey: .contactIds)
    }
}

/// `{"message": {...}, "text": "…" | null}`: the whole stored text when the privacy level shows it.
struct EmailMessageEnvelope: ResponseEncodable {
    let message: EmailActivityItem
    let text: String?

    enum CodingKeys: String, CodingKey {
        case message, text
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.message, forKey: .message)
        try container.encode(self.text, forKey: .text)
    }
}

/// One erasure of a record's captured mail.
struct EmailErasureResponse: Encodable {
    let id: Int64
    let table: String
    let recordId: Int64
    let messages: Int
    let erasedBy: Int64?
    let erasedAt: Date
    let restoredBy: Int64?
    let restoredAt: Date?

    init(_ erasure: EmailErasures.Erasure) {
        self.id = erasure.id
        self.table = erasure.table.rawValue
        self.recordId = erasure.recordId
        self.messages = erasure.messageCount
        self.erasedBy = erasure.erasedBy
        self.erasedAt = erasure.erasedAt
        self.restoredBy = erasure.restoredBy
        self.restoredAt = erasure.restoredAt
    }

    enum CodingKeys: String, CodingKey {
        case id, table, messages
        case recordId = "record_id"
        case erasedBy = "erased_by"
        case erasedAt = "erased_at"
        case restoredBy = "restored_by"
        case restoredAt = "restored_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.table, forKey: .table)
        try container.encode(self.recordId, forKey: .recordId)
        try container.encode(self.messages, forKey: .messages)
        try container.encode(self.erasedBy, forKey: .erasedBy)
        try container.encode(self.erasedAt, forKey: .erasedAt)
        try container.encode(self.restoredBy, forKey: .restoredBy)
        try container.encode(self.restoredAt, forKey: .restoredAt)
    }
}

struct EmailErasureEnvelope: ResponseEncodable {
    let erasure: EmailErasureResponse
}

struct EmailErasureList: ResponseEncodable {
    let erasures: [EmailErasureResponse]
}

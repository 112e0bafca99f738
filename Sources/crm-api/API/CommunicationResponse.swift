import Foundation
import Hummingbird
import Shared

/// A logged communication as the API shows it.
struct CommunicationResponse: Encodable {
    let communication: Communication

    enum CodingKeys: String, CodingKey {
        case id, kind, summary, source, version
        case occurredAt = "occurred_at"
        case memberId = "member_id"
        case investorId = "investor_id"
        case contactIds = "contact_ids"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Every key always, `null` where there is nothing.
    func encode(to encoder: any Encoder) throws {
        let item = self.communication
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item.id, forKey: .id)
        try container.encode(item.kind.rawValue, forKey: .kind)
        try container.encode(item.occurredAt, forKey: .occurredAt)
        try container.encode(item.memberId, forKey: .memberId)
        try container.encode(item.investorId, forKey: .investorId)
        try container.encode(item.contactIds, forKey: .contactIds)
        try container.encode(item.summary, forKey: .summary)
        try container.encode(item.source.rawValue, forKey: .source)
        try container.encode(item.version, forKey: .version)
        try container.encode(item.createdBy, forKey: .createdBy)
        try container.encode(item.createdAt, forKey: .createdAt)
        try container.encode(item.updatedAt, forKey: .updatedAt)
    }
}

/// `{"communication": {...}}`
struct CommunicationEnvelope: ResponseEncodable {
    let communication: CommunicationResponse
}

/// `{"communications": [...], "next_cursor": …}`
struct CommunicationPage: ResponseEncodable {
    let communications: [CommunicationResponse]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case communications
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.communications, forKey: .communications)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}

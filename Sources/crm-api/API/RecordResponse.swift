import Foundation
import Hummingbird
import Shared

/// A record as the API shows it: id, version, fields by key, stamps.
struct RecordResponse: ResponseEncodable {
    let id: Int64
    let version: Int
    let fields: [String: JSONValue]
    let createdAt: Date
    let updatedAt: Date
    let lastModifiedBy: Int64?
    /// Why formula fields hold an error, when any does.
    let errors: [String: String]
    /// When the record was archived; only archived records carry it.
    let deletedAt: Date?

    init(_ record: RecordValue) {
        self.id = record.id
        self.version = record.version
        self.fields = record.fields
        self.createdAt = record.createdAt
        self.updatedAt = record.updatedAt
        self.lastModifiedBy = record.lastModifiedBy
        self.errors = record.errors
        self.deletedAt = record.deletedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, version, fields, errors
        case deletedAt = "deleted_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastModifiedBy = "last_modified_by"
    }

    /// `last_modified_by` is always present, `null` when no user made the change.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.version, forKey: .version)
        try container.encode(self.fields, forKey: .fields)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
        try container.encode(self.lastModifiedBy, forKey: .lastModifiedBy)
        if !self.errors.isEmpty { try container.encode(self.errors, forKey: .errors) }
        try container.encodeIfPresent(self.deletedAt, forKey: .deletedAt)
    }
}

struct RecordList: ResponseEncodable {
    let records: [RecordResponse]
    let nextCursor: String?
    let total: Int?

    enum CodingKeys: String, CodingKey {
        case records, total
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.records, forKey: .records)
        try container.encode(self.nextCursor, forKey: .nextCursor)
        try container.encode(self.total, forKey: .total)
    }
}

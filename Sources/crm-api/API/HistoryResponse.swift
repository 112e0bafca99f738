import Foundation
import Hummingbird
import Shared

struct HistoryResponse: Encodable {
    let id: Int64
    let action: String
    let field: String?
    let old: JSONValue?
    let new: JSONValue?
    let version: Int
    let changedBy: Int64?
    let changedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, action, field, old, new, version
        case changedBy = "changed_by"
        case changedAt = "changed_at"
    }
}

struct HistoryList: ResponseEncodable {
    let history: [HistoryResponse]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case history
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.history, forKey: .history)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}

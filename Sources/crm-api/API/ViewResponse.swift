import Foundation
import Hummingbird
import Shared

struct ViewResponse: ResponseEncodable {
    let view: SavedView

    enum CodingKeys: String, CodingKey {
        case id, table, name, scope, locked, definition, version, position
        case ownerId = "owner_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.view.id, forKey: .id)
        try container.encode(self.view.table, forKey: .table)
        try container.encode(self.view.name, forKey: .name)
        try container.encode(self.view.scope, forKey: .scope)
        try container.encode(self.view.locked, forKey: .locked)
        try container.encode(self.view.ownerId, forKey: .ownerId)
        try container.encode(self.view.definition, forKey: .definition)
        try container.encode(self.view.version, forKey: .version)
        try container.encode(self.view.position, forKey: .position)
        try container.encode(self.view.createdAt, forKey: .createdAt)
        try container.encode(self.view.updatedAt, forKey: .updatedAt)
    }
}

struct ViewList: ResponseEncodable {
    let views: [ViewResponse]
}

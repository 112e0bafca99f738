import Foundation
import Shared

/// One server-sent event: a record changed, a table's fields changed, or everything must reload.
struct ChangeEvent: Sendable, Equatable {
    enum Kind: String, Sendable {
        case record
        /// The field catalog of the named tables changed (a field added, renamed, given options,
        /// retyped or archived): open grids refetch those tables' fields.
        case fields
        /// Too much happened since the client's `Last-Event-ID`: reload everything.
        case reset
    }

    /// The `record_history` id the event stands for; clients resume after it.
    let id: Int64
    let kind: Kind
    let data: [String: JSONValue]

    /// The SSE wire form: `id:`, `event:`, one `data:` line, a blank line.
    var wire: String {
        "id: \(self.id)\nevent: \(self.kind.rawValue)\ndata: \(JSONValue.encode(.object(self.data)))\n\n"
    }
}

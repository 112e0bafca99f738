import Foundation
import GRDB
import Hummingbird
import Shared

/// One JSON document written to a response body in pieces: punctuation and keys as they come,
/// values encoded one at a time, sent in chunks of about 64 KiB. Whole-database reads (the grid
/// state, the JSON export) write with it so they never hold the whole document in memory.
struct StreamedJSON {
    static let chunkSize = 64 * 1024

    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    private var pending = ByteBuffer()

    /// Punctuation or a literal, as is.
    mutating func raw(_ text: String) { self.pending.writeString(text) }

    /// `"key":`
    mutating func key(_ name: String) { self.raw("\"\(name)\":") }

    mutating func value(_ value: some Encodable) throws { self.pending.writeBytes(try self.encoder.encode(value)) }

    /// `,"key":value` (without the comma for an object's first member).
    mutating func member(_ name: String, _ value: some Encodable, first: Bool = false) throws {
        if !first { self.raw(",") }
        self.key(name)
        try self.value(value)
    }

    /// Sends what is pending and ends the body.
    mutating func end(_ writer: inout any ResponseBodyWriter) async throws {
        try await self.flush(to: &writer, force: true)
        try await writer.finish(nil)
    }

    /// Sends what is pending once it is a chunk's worth (or always, when `force`).
    mutating func flush(to writer: inout any ResponseBodyWriter, force: Bool = false) async throws {
        guard force || self.pending.readableBytes >= Self.chunkSize else { return }
        try await writer.write(self.pending)
        self.pending = ByteBuffer()
    }

    /// Writes `"tables":{…}`: every table's fields and live records (sorted by table name, records
    /// by id), read page by page from `snapshot`.
    mutating func tables(
        _ only: [RecordTable],
        from snapshot: DatabaseSnapshot,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        self.key("tables")
        self.raw("{")
        for (index, table) in only.sorted(by: { $0.rawValue < $1.rawValue }).enumerated() {
            let catalog = try await snapshot.read { db in try FieldDefinition.catalog(table, db) }
            if index > 0 { self.raw(",") }
            self.key(table.rawValue)
            self.raw("{")
            self.key("fields")
            try self.value(catalog.map(FieldResponse.init))
            self.raw(",")
            self.key("records")
            self.raw("[")
            var first = true
            try await RecordPages.forEach(table, catalog: catalog, in: snapshot) { page in
                for record in page {
                    if !first { self.raw(",") }
                    first = false
                    try self.value(RecordResponse(record))
                }
                try await self.flush(to: &writer)
            }
            self.raw("]}")
        }
        self.raw("}")
    }
}

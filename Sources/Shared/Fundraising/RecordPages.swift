import GRDB

/// A table's live records in id order, one page at a time: the whole-table reads (the grid state,
/// the exports) stream page by page from one database snapshot instead of holding every record.
public enum RecordPages {
    public static let size = 500

    /// Up to `limit` live records with an id above `afterId`.
    public static func page(
        _ table: RecordTable,
        catalog: [FieldDefinition],
        after afterId: Int64,
        limit: Int = size,
        _ db: Database
    ) throws -> [RecordValue] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
            arguments: [afterId, limit]
        ).map { RecordValue(row: $0, catalog: catalog) }
    }

    /// Calls `body` with each page of the table's live records, each read in its own `read` of
    /// `reader` (a snapshot, so the pages agree with each other).
    public static func forEach(
        _ table: RecordTable,
        catalog: [FieldDefinition],
        in reader: any DatabaseReader,
        _ body: ([RecordValue]) async throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let last = after
            let page = try await reader.read { db in try Self.page(table, catalog: catalog, after: last, db) }
            guard let final = page.last else { return }
            try await body(page)
            after = final.id
        }
    }
}

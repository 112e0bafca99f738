import Foundation
import GRDB

/// One committed import (`import_runs`): the file, its counts and who ran it; encoded as the API
/// shows it.
public struct ImportRun: Sendable, Equatable, FetchableRecord, Encodable {
    public var id: Int64
    public var table: RecordTable
    public var fileName: String
    public var fileSHA256: String
    public var fileBytes: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var archived: Int
    public var skipped: Int
    public var newFields: Int
    public var options: JSONValue
    public var createdBy: Int64?
    public var createdByName: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, table, created, updated, unchanged, archived, skipped, options
        case fileName = "file_name"
        case fileSHA256 = "file_sha256"
        case fileBytes = "file_bytes"
        case newFields = "new_fields"
        case createdBy = "created_by"
        case createdByName = "created_by_name"
        case createdAt = "created_at"
    }

    public init(row: Row) throws {
        self.id = row["id"]
        self.table = row["table_name"]
        self.fileName = row["file_name"]
        self.fileSHA256 = row["file_sha256"]
        self.fileBytes = row["file_bytes"]
        self.created = row["created"]
        self.updated = row["updated"]
        self.unchanged = row["unchanged"]
        self.archived = row["archived"]
        self.skipped = row["skipped"]
        self.newFields = row["new_fields"]
        self.options = JSONValue.decode(row["options"]) ?? .object([:])
        self.createdBy = row["created_by"]
        self.createdByName = row["created_by_name"]
        self.createdAt = row["created_at"]
    }

    /// Newest first, before `beforeId`; the next cursor when there are more.
    public static func page(limit: Int, beforeId: Int64?, _ db: Database) throws -> (runs: [ImportRun], next: Int64?) {
        // reads deleted rows: who ran an import stays named after their account is archived
        let runs = try ImportRun.fetchAll(
            db,
            sql: """
                SELECT i.*, u.name AS created_by_name FROM import_runs i LEFT JOIN users u ON u.id = i.created_by
                WHERE i.id < ? ORDER BY i.id DESC LIMIT ?
                """,
            arguments: [beforeId ?? Int64.max, limit + 1]
        )
        return (Array(runs.prefix(limit)), runs.count > limit ? runs[limit - 1].id : nil)
    }
}

import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `GET /api/fundraising/export` (JSON snapshot, or one table as Airtable-style CSV) and
/// `GET /api/fundraising/relational-summary`. Both read live data only.
struct ExportController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/fundraising/export", .member, use: self.export)
        routes.get("/api/fundraising/relational-summary", .member) { _, _ in
            SummaryResponse(summary: try await self.services.database.pool.read(RelationalSummary.compute))
        }
    }

    struct SummaryResponse: ResponseEncodable {
        let summary: RelationalSummary

        func encode(to encoder: any Encoder) throws {
            try self.summary.encode(to: encoder)
        }
    }

    /// A user as the export names them. Emails go to admins only, the same rule as
    /// `/api/team`, which gives members names: records name people by id and name.
    struct ExportedUser: Encodable {
        let id: Int64
        let name: String
        let email: String?
        let role: User.Role
        let active: Bool
    }

    /// The `table=` of the query: required for CSV, optional for JSON (one table instead of four).
    static func table(_ request: Request, required: Bool) throws -> RecordTable? {
        guard let name = request.uri.queryParameters.get("table") else {
            guard !required else {
                throw APIError(
                    .badRequest,
                    "invalid_table",
                    "Name the table to export: table=investors, contacts, funds or commitments."
                )
            }
            return nil
        }
        guard let table = RecordTable(rawValue: String(name)) else {
            throw APIError(.badRequest, "invalid_table", "table is investors, contacts, funds or commitments.")
        }
        return table
    }

    /// Both formats stream from one snapshot of the database, page by page, so an export of a
    /// large grid is never held in memory whole.
    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = request.uri.queryParameters.get("format") ?? "json"
        switch format {
        case "json":
            let only = try Self.table(request, required: false)
            let isAdmin = try context.requireIdentity().isAdmin
            let exportedAt = self.services.clock.now()
            let snapshot = try self.services.database.pool.makeSnapshot()
            let (stamp, users) = try await snapshot.read { db in
                (
                    try GridStateStore.stamp(db),
                    try UserStore.all(db).map {
                        ExportedUser(
                            id: $0.id!,
                            name: $0.name,
                            email: isAdmin ? $0.email : nil,
                            role: $0.role,
                            active: $0.active
                        )
                    }
                )
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"venture-crm-export.json\"",
                ],
                body: .init { writer in
                    var json = StreamedJSON()
                    json.raw("{")
                    try json.member("exported_at", exportedAt, first: true)
                    json.raw(",")
                    try await json.tables(only.map { [$0] } ?? RecordTable.allCases, from: snapshot, to: &writer)
                    // Who `owner_id` and `last_modified_by` name; never a password hash.
                    try json.member("users", users)
                    try json.member("version", stamp.version)
                    json.raw("}")
                    try await json.end(&writer)
                }
            )
        case "csv":
            let table = try Self.table(request, required: true)!
            let snapshot = try self.services.database.pool.makeSnapshot()
            let (catalog, names) = try await snapshot.read { db in
                let catalog = try FieldDefinition.catalog(table, db)
                return (catalog, try CSVExport.linkNames(catalog, db))
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(table.rawValue.capitalized).csv\"",
                ],
                body: .init { writer in
                    try await writer.write(ByteBuffer(string: CSVExport.header(catalog)))
                    try await RecordPages.forEach(table, catalog: catalog, in: snapshot) { page in
                        try await writer.write(
                            ByteBuffer(
                                string: page.map { "\n" + CSVExport.line($0, catalog: catalog, names: names) }.joined()
                            )
                        )
                    }
                    try await writer.finish(nil)
                }
            )
        default:
            throw APIError(.badRequest, "invalid_format", "The export format is json or csv.")
        }
    }
}

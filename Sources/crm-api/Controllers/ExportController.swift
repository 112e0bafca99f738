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

    struct Snapshot: ResponseEncodable {
        let exportedAt: Date
        let version: Int
        let tables: [String: GridStateController.TableState]
        /// Who `owner_id` and `last_modified_by` name; never a password hash.
        let users: [ExportedUser]

        enum CodingKeys: String, CodingKey {
            case version, tables, users
            case exportedAt = "exported_at"
        }
    }

    /// The `table=` of the query: required for CSV, optional for JSON (one table instead of four).
    static func table(_ request: Request, required: Bool) throws -> RecordTable? {
        guard let name = request.uri.queryParameters.get("table") else {
            guard !required else {
                throw APIError(.badRequest, "invalid_table", "Name the table to export: table=investors, contacts, funds or commitments.")
            }
            return nil
        }
        guard let table = RecordTable(rawValue: String(name)) else {
            throw APIError(.badRequest, "invalid_table", "table is investors, contacts, funds or commitments.")
        }
        return table
    }

    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format = request.uri.queryParameters.get("format") ?? "json"
        switch format {
        case "json":
            let only = try Self.table(request, required: false)
            let (stamp, all) = try await GridStateStore(database: self.services.database).snapshot()
            let tables = all.filter { only == nil || $0.key == only }
            let isAdmin = try context.requireIdentity().isAdmin
            let users = try await self.services.database.pool.read { db in
                try User.all().live().order(sql: "id").fetchAll(db).map {
                    ExportedUser(id: $0.id!, name: $0.name, email: isAdmin ? $0.email : nil, role: $0.role, active: $0.active)
                }
            }
            let snapshot = Snapshot(
                exportedAt: self.services.clock.now(), version: stamp.version,
                tables: Dictionary(
                    uniqueKeysWithValues: tables.map {
                        ($0.key.rawValue, GridStateController.TableState(
                            fields: $0.value.fields.map(RecordsController.FieldResponse.init),
                            records: $0.value.records.map(RecordsController.RecordResponse.init)))
                    }),
                users: users)
            var response = try snapshot.response(status: .ok, from: request, context: context)
            response.headers[.contentDisposition] = "attachment; filename=\"venture-crm-export.json\""
            return response
        case "csv":
            let table = try Self.table(request, required: true)!
            let csv = try await self.services.database.pool.read { db in try CSVExport.table(table, db) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(table.rawValue.capitalized).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: csv)))
        default:
            throw APIError(.badRequest, "invalid_format", "The export format is json or csv.")
        }
    }
}

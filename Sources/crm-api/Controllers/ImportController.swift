import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `POST /api/import/csv` (an Airtable CSV export: plan with `dry_run`, then commit) and
/// `GET /api/import/runs` (committed imports, newest first).
struct ImportController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/import/csv", .member, use: self.importCSV)
        routes.get("/api/import/runs", .member, use: self.runs)
    }

    static let formFields: Set<String> = [
        "table", "dry_run", "key", "mapping", "skip_invalid_rows", "create_fields", "archive_missing", "date_orders", "time_zone",
        "preview_rows",
    ]

    struct PlanResponse: ResponseEncodable {
        let plan: ImportPlan

        func encode(to encoder: any Encoder) throws {
            try self.plan.encode(to: encoder)
        }
    }

    func importCSV(_ request: Request, context: AppRequestContext) async throws -> PlanResponse {
        let identity = try context.requireIdentity()
        let directory = self.services.config.dataDir + "/tmp"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let upload = try await MultipartUpload.read(
            request, fileField: "file", allowedFields: Self.formFields, maximumFileBytes: self.services.config.importMaxBytes,
            directory: directory)
        defer { if let path = upload.filePath { try? FileManager.default.removeItem(atPath: path) } }
        guard let path = upload.filePath else {
            throw APIError(.unprocessableContent, "invalid_import", "Attach the CSV file as the form field \"file\".",
                           details: ["file": "Attach the CSV file exported from Airtable."])
        }
        let options = try ImportForm.options(upload.fields, fileName: upload.fileName ?? "upload.csv")
        let importer = CSVImporter(database: self.services.database, now: self.services.clock.now)
        do {
            let plan = try await importer.run(path: path, options: options, by: identity.user.id)
            if !plan.dryRun {
                context.logger.info(
                    "import committed",
                    metadata: [
                        "import.table": "\(plan.table.rawValue)", "import.run": "\(plan.runId ?? 0)", "import.created": "\(plan.created)",
                        "import.updated": "\(plan.updated)", "import.archived": "\(plan.archived)", "import.skipped": "\(plan.skipped)",
                    ])
            }
            return PlanResponse(plan: plan)
        } catch let failure as CSVImporter.Failure {
            throw Self.apiError(failure)
        }
    }

    static func apiError(_ failure: CSVImporter.Failure) -> APIError {
        switch failure {
        case .unreadable(let message):
            return APIError(.unprocessableContent, "invalid_file", message)
        case .invalidOption(let option, let message):
            return APIError(.unprocessableContent, "invalid_import", message, details: .object([option: .string(message)]))
        case .catalogChanged:
            return APIError(.conflict, "fields_changed", "The table's fields changed while the file was read; nothing was imported. Try again.")
        case .rejected(let plan):
            let body = (try? JSONEncoder().encode(plan)).flatMap { JSONValue.decode(String(decoding: $0, as: UTF8.self)) }
            var extra: [String: JSONValue] = [:]
            if case .object(let members)? = body { extra = members }
            let count = plan.errorCount
            return APIError(
                .unprocessableContent, "import_has_errors",
                "The file has \(count) problem\(count == 1 ? "" : "s"); nothing was imported. Fix them, or choose to skip invalid rows.",
                extra: extra)
        }
    }

    struct RunResponse: Encodable {
        let id: Int64
        let table: RecordTable
        let fileName: String
        let fileSHA256: String
        let fileBytes: Int
        let created, updated, unchanged, archived, skipped, newFields: Int
        let options: JSONValue
        let createdBy: Int64?
        let createdByName: String?
        let createdAt: Date

        init(_ run: ImportRun) {
            (self.id, self.table, self.fileName, self.fileSHA256, self.fileBytes) = (run.id, run.table, run.fileName, run.fileSHA256, run.fileBytes)
            (self.created, self.updated, self.unchanged, self.archived, self.skipped, self.newFields) =
                (run.created, run.updated, run.unchanged, run.archived, run.skipped, run.newFields)
            (self.options, self.createdBy, self.createdByName, self.createdAt) = (run.options, run.createdBy, run.createdByName, run.createdAt)
        }

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
    }

    struct RunList: ResponseEncodable {
        let importRuns: [RunResponse]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case importRuns = "import_runs"
            case nextCursor = "next_cursor"
        }
    }

    func runs(_ request: Request, context: AppRequestContext) async throws -> RunList {
        let limit = try RecordsController.limit(request)
        let cursor = try RecordsController.cursor(request)
        let (runs, next) = try await self.services.database.pool.read { db in try ImportRun.page(limit: limit, beforeId: cursor, db) }
        return RunList(importRuns: runs.map(RunResponse.init), nextCursor: next.map(String.init))
    }
}

/// Reads the import form's text fields into options, refusing what does not parse (400/422).
enum ImportForm {
    static func options(_ fields: [String: String], fileName: String) throws -> ImportOptions {
        func invalid(_ field: String, _ message: String) -> APIError {
            APIError(.unprocessableContent, "invalid_import", message, details: .object([field: .string(message)]))
        }
        func flag(_ name: String, default value: Bool) throws -> Bool {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespaces).lowercased() else { return value }
            switch text {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off", "": return false
            default: throw invalid(name, "\(name) is true or false.")
            }
        }
        func json(_ name: String) throws -> JSONValue? {
            guard let text = fields[name], !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                throw invalid(name, "\(name) is not valid JSON.")
            }
            return value
        }
        guard let tableName = fields["table"]?.trimmingCharacters(in: .whitespaces), let table = RecordTable(rawValue: tableName) else {
            throw invalid("table", "Name the table to import into: investors, contacts, funds or commitments.")
        }
        var options = ImportOptions(table: table, fileName: String(fileName.prefix(255)))
        options.dryRun = try flag("dry_run", default: false)
        options.skipInvalidRows = try flag("skip_invalid_rows", default: false)
        options.createFields = try flag("create_fields", default: false)
        options.archiveMissing = try flag("archive_missing", default: false)
        if let key = fields["key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            if key.hasPrefix("[") {
                guard case .array(let items)? = try json("key"), !items.isEmpty else { throw invalid("key", "key is a header or a JSON list of headers.") }
                options.key = try items.map { item in
                    guard case .string(let header) = item else { throw invalid("key", "key is a header or a JSON list of headers.") }
                    return header
                }
            } else {
                options.key = [key]
            }
        }
        if let mapping = try json("mapping") {
            guard case .object(let members) = mapping else { throw invalid("mapping", "mapping is a JSON object of header → field key or null.") }
            options.mapping = try members.mapValues { value in
                switch value {
                case .string(let key): return .some(key)
                case .null: return .none
                default: throw invalid("mapping", "mapping is a JSON object of header → field key or null.")
                }
            }
        }
        if let orders = try json("date_orders") {
            guard case .object(let members) = orders else { throw invalid("date_orders", "date_orders is a JSON object of header → day_first or month_first.") }
            options.dateOrders = try members.mapValues { value in
                guard case .string(let text) = value, let order = ImportValues.DateOrder(rawValue: text) else {
                    throw invalid("date_orders", "date_orders is a JSON object of header → day_first or month_first.")
                }
                return order
            }
        }
        if let zone = fields["time_zone"]?.trimmingCharacters(in: .whitespaces), !zone.isEmpty {
            guard zone.count <= 64, let timeZone = TimeZone(identifier: zone) else {
                throw invalid("time_zone", "The time zone must be a name such as Europe/Zurich or America/New_York.")
            }
            options.timeZone = timeZone
        }
        if let text = fields["preview_rows"] {
            guard let rows = Int(text.trimmingCharacters(in: .whitespaces)), (0...1000).contains(rows) else {
                throw invalid("preview_rows", "preview_rows is a whole number from 0 to 1000.")
            }
            options.previewRows = rows
        }
        return options
    }
}

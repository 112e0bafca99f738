import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `POST /api/import/csv` (an Airtable CSV export: plan with `dry_run`, then commit; a file above
/// `CRM_IMPORT_SYNC_MB` answers 202 and runs as a job), `GET /api/import/jobs/:id` (its progress
/// and result) and `GET /api/import/runs` (committed imports, newest first).
struct ImportController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.post("/api/import/csv", .member, use: self.importCSV)
        routes.get("/api/import/jobs/:id", .member, use: self.job)
        routes.get("/api/import/runs", .member, use: self.runs)
    }

    static let formFields: Set<String> = [
        "table", "dry_run", "key", "mapping", "skip_invalid_rows", "create_fields", "archive_missing", "date_orders",
        "time_zone",
        "preview_rows",
    ]

    struct PlanResponse: ResponseEncodable {
        let plan: ImportPlan

        func encode(to encoder: any Encoder) throws {
            try self.plan.encode(to: encoder)
        }
    }

    func importCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let directory = self.services.config.dataDir + "/tmp"
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let upload = try await MultipartUpload.read(
            request,
            fileField: "file",
            allowedFields: Self.formFields,
            maximumFileBytes: self.services.config.importMaxBytes,
            directory: directory
        )
        guard let path = upload.filePath else {
            throw APIError(
                .unprocessableContent,
                "invalid_import",
                "Attach the CSV file as the form field \"file\".",
                details: ["file": "Attach the CSV file exported from Airtable."]
            )
        }
        let options: ImportOptions
        do {
            options = try ImportForm.options(upload.fields, fileName: upload.fileName ?? "upload.csv")
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let userId = identity.user.id!
        if upload.fileBytes > self.services.config.importSyncBytes {
            let jobs = self.services.importJobs
            let id = jobs.start(userId: userId, options: options, at: self.services.clock.now())
            let logger = context.logger
            Task.detached {
                let (plan, error) = await self.run(path: path, options: options, userId: userId, logger: logger) {
                    jobs.progress(id, $0)
                }
                jobs.finish(id, plan: plan, error: error, at: self.services.clock.now())
            }
            var response = try JobStarted(jobId: id, status: .running).response(
                status: .accepted,
                from: request,
                context: context
            )
            response.headers[.location] = "/api/import/jobs/\(id)"
            return response
        }
        let (plan, error) = await self.run(path: path, options: options, userId: userId, logger: context.logger) { _ in
        }
        if let error { throw error }
        return try PlanResponse(plan: plan!).response(status: .ok, from: request, context: context)
    }

    /// Runs one import and removes its upload; the plan, or the error the client is answered with.
    func run(
        path: String,
        options: ImportOptions,
        userId: Int64,
        logger: Logger,
        progress: @escaping @Sendable (ImportProgress) -> Void
    ) async -> (ImportPlan?, APIError?) {
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let plan = try await CSVImporter(database: self.services.database, now: self.services.clock.now)
                .run(path: path, options: options, by: userId, progress: progress)
            if !plan.dryRun {
                self.services.eventPump.nudge()
                logger.info(
                    "import committed",
                    metadata: [
                        "import.table": "\(plan.table.rawValue)", "import.run": "\(plan.runId ?? 0)",
                        "import.created": "\(plan.created)",
                        "import.updated": "\(plan.updated)", "import.archived": "\(plan.archived)",
                        "import.skipped": "\(plan.skipped)",
                    ]
                )
            }
            return (plan, nil)
        } catch let failure as CSVImporter.Failure {
            return (nil, failure.apiError)
        } catch {
            logger.error("import failed", metadata: .error(error))
            return (nil, APIError(.internalServerError, "import_failed", "The import failed; nothing was imported."))
        }
    }

    struct JobStarted: ResponseEncodable {
        let jobId: String
        let status: ImportJobs.Job.Status

        enum CodingKeys: String, CodingKey {
            case status
            case jobId = "job_id"
        }
    }

    struct JobResponse: ResponseEncodable {
        struct Progress: Encodable {
            let phase: String
            let bytesRead: Int
            let totalBytes: Int
            let records: Int

            enum CodingKeys: String, CodingKey {
                case phase, records
                case bytesRead = "bytes_read"
                case totalBytes = "total_bytes"
            }
        }

        let id: String
        let status: ImportJobs.Job.Status
        let table: RecordTable
        let dryRun: Bool
        let progress: Progress?
        let plan: ImportPlan?
        let error: JSONValue?
        let createdAt: Date
        let finishedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, status, table, progress, plan, error
            case dryRun = "dry_run"
            case createdAt = "created_at"
            case finishedAt = "finished_at"
        }

        init(_ job: ImportJobs.Job) {
            (self.id, self.status, self.table, self.dryRun, self.createdAt, self.finishedAt) =
                (job.id, job.status, job.table, job.dryRun, job.createdAt, job.finishedAt)
            self.progress = job.progress.map {
                Progress(
                    phase: $0.phase.rawValue,
                    bytesRead: $0.bytesRead,
                    totalBytes: $0.totalBytes,
                    records: $0.records
                )
            }
            self.plan = job.plan
            self.error = job.error.map { error in
                var body = error.extra
                body["error"] = .string(error.code)
                body["message"] = .string(error.message)
                if let details = error.details { body["details"] = details }
                return .object(body)
            }
        }
    }

    /// A job its starter or an admin follows; anyone else gets 404.
    func job(_ request: Request, context: AppRequestContext) async throws -> JobResponse {
        let identity = try context.requireIdentity()
        guard let id = context.parameters.get("id"), let job = self.services.importJobs.job(id),
            job.userId == identity.user.id || identity.user.role == .admin
        else {
            throw APIError.notFound(
                "There is no such import job; a job lost to a restart imported nothing, so run the import again."
            )
        }
        return JobResponse(job)
    }

    struct RunList: ResponseEncodable {
        let importRuns: [ImportRun]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case importRuns = "import_runs"
            case nextCursor = "next_cursor"
        }
    }

    func runs(_ request: Request, context: AppRequestContext) async throws -> RunList {
        let limit = try request.pageLimit()
        let cursor = try request.idCursor()
        let (runs, next) = try await self.services.database.pool.read { db in
            try ImportRun.page(limit: limit, beforeId: cursor, db)
        }
        return RunList(importRuns: runs, nextCursor: next.map(String.init))
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
        guard let tableName = fields["table"]?.trimmingCharacters(in: .whitespaces),
            let table = RecordTable(rawValue: tableName)
        else {
            throw invalid("table", "Name the table to import into: investors, contacts, funds or commitments.")
        }
        var options = ImportOptions(table: table, fileName: String(fileName.prefix(255)))
        options.dryRun = try flag("dry_run", default: false)
        options.skipInvalidRows = try flag("skip_invalid_rows", default: false)
        options.createFields = try flag("create_fields", default: false)
        options.archiveMissing = try flag("archive_missing", default: false)
        if let key = fields["key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            if key.hasPrefix("[") {
                guard case .array(let items)? = try json("key"), !items.isEmpty else {
                    throw invalid("key", "key is a header or a JSON list of headers.")
                }
                options.key = try items.map { item in
                    guard case .string(let header) = item else {
                        throw invalid("key", "key is a header or a JSON list of headers.")
                    }
                    return header
                }
            } else {
                options.key = [key]
            }
        }
        if let mapping = try json("mapping") {
            guard case .object(let members) = mapping else {
                throw invalid("mapping", "mapping is a JSON object of header → field key or null.")
            }
            options.mapping = try members.mapValues { value in
                switch value {
                case .string(let key): return .some(key)
                case .null: return .none
                default: throw invalid("mapping", "mapping is a JSON object of header → field key or null.")
                }
            }
        }
        if let orders = try json("date_orders") {
            guard case .object(let members) = orders else {
                throw invalid("date_orders", "date_orders is a JSON object of header → day_first or month_first.")
            }
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

import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `/api/tables/:table/fields`: the catalog of core and custom fields.
struct FieldsController {
    let services: AppServices
    var catalog: FieldCatalog { FieldCatalog(database: self.services.database, now: self.services.clock.now) }

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/tables/:table/fields", .member, use: self.list)
        routes.post("/api/tables/:table/fields", .member, use: self.create)
        routes.patch("/api/tables/:table/fields/:key", .member, use: self.update)
        routes.post("/api/tables/:table/fields/:key/type-preview", .member, use: self.typePreview)
        routes.post("/api/tables/:table/fields/:key/choices", .member, use: self.addChoice)
        routes.delete("/api/tables/:table/fields/:key", .admin, use: self.delete)
    }

    struct FieldList: ResponseEncodable {
        let fields: [FieldResponse]
    }

    struct CreateRequest: Decodable {
        let label: String
        let type: String
        let options: [String: JSONValue]?
        let formula: String?
    }

    struct UpdateRequest: Decodable {
        let label: String?
        let type: String?
        let options: [String: JSONValue]?
        let hiddenByDefault: Bool?
        let position: Int?
        let formula: String?
        /// Clear the values that cannot become the new type (the preview counts them).
        let confirmLoss: Bool?

        enum CodingKeys: String, CodingKey {
            case label, type, options, position, formula
            case hiddenByDefault = "hidden_by_default"
            case confirmLoss = "confirm_loss"
        }
    }

    struct ChoiceRequest: Decodable {
        let choice: String
    }

    struct TypePreviewRequest: Decodable {
        let type: String
        let options: [String: JSONValue]?
    }

    struct TypePreviewResponse: ResponseEncodable {
        let preview: FieldTypeChange.Preview

        func encode(to encoder: any Encoder) throws { try self.preview.encode(to: encoder) }
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> FieldList {
        let table = try context.table()
        let catalog = try await self.services.database.pool.read { db in try FieldDefinition.catalog(table, db) }
        return FieldList(fields: catalog.map(FieldResponse.init))
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let body = try await request.decode(as: CreateRequest.self, context: context)
        guard let type = FieldType(rawValue: body.type) else {
            throw APIError(
                .unprocessableContent,
                "invalid_field",
                "That is not a field type.",
                details: ["type": .string("Use one of: \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")).")]
            )
        }
        let field = try await self.catalog.create(
            table,
            label: body.label,
            type: type,
            options: body.options,
            formula: body.formula
        )
        context.logger.info(
            "field created",
            metadata: ["field.table": "\(table.rawValue)", "field.key": "\(field.key)"]
        )
        return try await self.withJob(field).response(status: .created, from: request, context: context)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> FieldResponse {
        let table = try context.table()
        let key = try context.fieldKey()
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        if let rawType = body.type {
            let identity = try context.requireIdentity()
            guard identity.isAdmin else {
                throw APIError(.forbidden, "forbidden", "Only an admin can change a field's type.")
            }
            let type = try Self.fieldType(rawType)
            let changed = try await FieldTypeChange(database: self.services.database, now: self.services.clock.now)
                .apply(
                    table,
                    key: key,
                    to: type,
                    options: body.options,
                    confirmLoss: body.confirmLoss ?? false,
                    by: identity.userId
                )
            context.logger.info(
                "field type changed",
                metadata: [
                    "field.table": "\(table.rawValue)", "field.key": "\(key)", "field.type": "\(type.rawValue)",
                    "records.converted": "\(changed.preview.converted)", "records.cleared": "\(changed.preview.failed)",
                ]
            )
            self.services.viewIndexes.kick()
            guard body.label != nil || body.hiddenByDefault != nil || body.position != nil else {
                return FieldResponse(changed.field)
            }
            let field = try await self.catalog.update(
                table,
                key: key,
                label: body.label,
                options: nil,
                hiddenByDefault: body.hiddenByDefault,
                position: body.position
            )
            return FieldResponse(field)
        }
        let field = try await self.catalog.update(
            table,
            key: key,
            label: body.label,
            options: body.options,
            hiddenByDefault: body.hiddenByDefault,
            position: body.position,
            formula: body.formula
        )
        // A field's options (a select's order) are part of the sort expressions views index.
        self.services.viewIndexes.kick()
        return try await self.withJob(field)
    }

    /// Adds an option to a custom select field (201), or finds it there already (200).
    func addChoice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let key = try context.fieldKey()
        let body = try await request.decode(as: ChoiceRequest.self, context: context)
        let result = try await self.catalog.addChoice(table, key: key, choice: body.choice)
        if result.added {
            context.logger.info(
                "field option added",
                metadata: ["field.table": "\(table.rawValue)", "field.key": "\(key)"]
            )
            // A select's options are part of the sort expressions views index.
            self.services.viewIndexes.kick()
        }
        return try FieldResponse(result.field).response(
            status: result.added ? .created : .ok,
            from: request,
            context: context
        )
    }

    /// The field as the API shows it, with the background recompute of its formula if one runs
    /// (which is then started).
    func withJob(_ field: FieldDefinition) async throws -> FieldResponse {
        guard field.type == .formula else { return FieldResponse(field) }
        let job = try await self.services.database.pool.read { db in
            try FormulaJobs.running(field.tableName, key: field.key, db)
        }
        if job != nil { self.services.formulaJobs.kick() }
        return FieldResponse(field, job: job)
    }

    /// What changing the field's type would do to every record's value; changes nothing.
    func typePreview(_ request: Request, context: AppRequestContext) async throws -> TypePreviewResponse {
        let table = try context.table()
        let key = try context.fieldKey()
        let body = try await request.decode(as: TypePreviewRequest.self, context: context)
        let type = try Self.fieldType(body.type)
        let identity = try context.requireIdentity()
        return TypePreviewResponse(
            preview:  // Other people's personal views are counted, never named (admins do not see them either).
                try await FieldTypeChange(database: self.services.database, now: self.services.clock.now).preview(
                    table,
                    key: key,
                    to: type,
                    options: body.options,
                    viewer: identity.userId
                )
        )
    }

    static func fieldType(_ raw: String) throws -> FieldType {
        guard let type = FieldType(rawValue: raw) else {
            throw APIError(
                .unprocessableContent,
                "invalid_field",
                "There is no field type \(raw).",
                details: ["type": .string("There is no field type \(raw).")]
            )
        }
        return type
    }

    func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let table = try context.table()
        let key = try context.fieldKey()
        try await self.catalog.delete(table, key: key)
        self.services.viewIndexes.kick()
        context.logger.info("field archived", metadata: ["field.table": "\(table.rawValue)", "field.key": "\(key)"])
        return Response(status: .noContent)
    }

}

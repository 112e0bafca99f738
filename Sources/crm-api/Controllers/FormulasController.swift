import Foundation
import GRDB
import Hummingbird
import Shared

/// What the formula editor asks while the user types: the functions, and whether a formula checks.
struct FormulasController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/formulas/functions", .member, use: self.functions)
        routes.post("/api/tables/:table/formulas/check", .member, use: self.check)
        routes.get("/api/formulas/jobs/:id", .member, use: self.job)
    }

    func job(_ request: Request, context: AppRequestContext) async throws -> FormulaJobResponse {
        guard let id = context.parameters.get("id").flatMap(Int64.init),
            let job = try await FormulaJobs(database: self.services.database).job(id)
        else { throw APIError.notFound("There is no such formula job.") }
        return FormulaJobResponse(job)
    }

    struct FunctionList: ResponseEncodable {
        struct Function: Encodable {
            let name: String
            let signature: String
        }

        let functions: [Function]
    }

    struct CheckRequest: Decodable {
        let formula: String
        /// The key of the formula field being edited; absent for a new field.
        let field: String?
        /// The label the field has or will have, so a reference to itself is named as such.
        let label: String?
    }

    struct CheckResponse: ResponseEncodable {
        let resultType: String
        let dependencies: [String]

        enum CodingKeys: String, CodingKey {
            case dependencies
            case resultType = "result_type"
        }
    }

    func functions(_ request: Request, context: AppRequestContext) async throws -> FunctionList {
        FunctionList(
            functions: FormulaFields.functions.map { FunctionList.Function(name: $0.name, signature: $0.signature) }
        )
    }

    func check(_ request: Request, context: AppRequestContext) async throws -> CheckResponse {
        let table = try context.table()
        let body = try await request.decode(as: CheckRequest.self, context: context)
        let compiled = try await self.services.database.pool.read { db in
            try FormulaFields.check(body.formula, table: table, key: body.field, label: body.label ?? "", db)
        }
        return CheckResponse(resultType: compiled.resultType.rawValue, dependencies: compiled.dependencies)
    }
}

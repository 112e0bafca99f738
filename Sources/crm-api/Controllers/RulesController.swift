import Hummingbird
import Shared

/// `GET /api/rules`: the field and filter rules the web app follows (categories, read-only and
/// numeric types, filter operators, relative dates, limits, required fields), from the
/// definitions the server enforces.
struct RulesController {
    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/rules", .member, use: self.rules)
    }

    struct RulesResponse: ResponseEncodable {
        let rules: FieldRules

        func encode(to encoder: any Encoder) throws { try self.rules.encode(to: encoder) }
    }

    func rules(_ request: Request, context: AppRequestContext) async throws -> RulesResponse {
        RulesResponse(rules: .current)
    }
}

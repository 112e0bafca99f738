import Hummingbird
import Logging
import Shared

/// `/healthz` (the process answers) and `/readyz` (the database answers and its schema is current).
struct HealthController {
    let database: AppDatabase

    struct Status: ResponseEncodable {
        let status: String
    }

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/healthz", .anyone) { _, _ in Status(status: "ok") }
        routes.get("/readyz", .anyone) { _, _ in try await self.ready() }
    }

    func ready() async throws -> Status {
        let schema: SchemaStatus
        do {
            schema = try await self.database.schemaStatus()
        } catch {
            throw APIError(
                .serviceUnavailable,
                "not_ready",
                "The database does not answer.",
                details: ["database": "unreachable"]
            )
        }
        guard schema.isCurrent else {
            throw APIError(
                .serviceUnavailable,
                "not_ready",
                "The database schema is not current.",
                details: ["schema": .string(schema.explanation)]
            )
        }
        return Status(status: "ready")
    }
}

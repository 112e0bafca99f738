import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import SharedTesting
import Testing

@testable import Shared
@testable import crm_api

@Suite struct HealthTests {
    static func environment(dataDir: String) throws -> DaemonEnvironment {
        let config = try CRMConfig(environment: ["CRM_DATA_DIR": dataDir, "CRM_HEARTBEAT_INTERVAL_S": "60"])
        return DaemonEnvironment(daemon: .api, config: config, logger: Logger(label: "crm-api-test"))
    }

    @Test func healthzAnswersWhileTheProcessLives() async throws {
        let directory = try TemporaryDirectory()
        let environment = try Self.environment(dataDir: directory.path)
        let app = try await buildApplication(environment: environment, database: try directory.migratedDatabase())
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func readyzIsReadyOnACurrentSchema() async throws {
        let directory = try TemporaryDirectory()
        let environment = try Self.environment(dataDir: directory.path)
        let app = try await buildApplication(environment: environment, database: try directory.migratedDatabase())
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ready"}"#)
            }
        }
    }

    @Test func readyzIs503WithAReasonWhenTheSchemaIsBehind() async throws {
        let directory = try TemporaryDirectory()
        let environment = try Self.environment(dataDir: directory.path)
        let database = try AppDatabase.open(path: directory.path + "/crm.sqlite")
        let services = AppServices(config: environment.config, database: database)
        let app = Application(router: buildRouter(services: services))
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try JSONDecoder().decode(
                    [String: JSONValue].self,
                    from: Data(String(buffer: response.body).utf8)
                )
                #expect(body["error"] == "not_ready")
                #expect(body["message"] == "The database schema is not current.")
                guard case .object(let details)? = body["details"], case .string(let schema)? = details["schema"] else {
                    Issue.record("no schema reason in \(body)")
                    return
                }
                #expect(schema.contains("crm-api migrate"))
            }
        }
    }

    @Test func unknownAddressesGetTheJSONErrorShape() async throws {
        let directory = try TemporaryDirectory()
        let environment = try Self.environment(dataDir: directory.path)
        let services = AppServices(config: environment.config, database: try directory.migratedDatabase())
        let app = Application(router: buildRouter(services: services))
        try await app.test(.router) { client in
            for uri in ["/nope", "/api/../../etc/passwd", "/healthz/extra", "/%00"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try JSONDecoder().decode(
                        [String: String].self,
                        from: Data(String(buffer: response.body).utf8)
                    )
                    #expect(body["error"] == "not_found")
                    #expect(body["message"]?.isEmpty == false)
                }
            }
        }
    }
}

import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Shared
import SharedTesting

@testable import crm_api

/// crm-api's router over a fresh migrated database, with a clock the test moves.
struct TestApp: @unchecked Sendable {
    let directory: TemporaryDirectory
    let database: AppDatabase
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let services: AppServices
    let router: Router<AppRequestContext>
    let logs = CapturedLogs()

    static let password = "correct horse battery staple"
    static let origin = "http://crm.test"

    init(environment extra: [String: String] = [:], eventKeepAlive: Duration? = nil) throws {
        self.directory = try TemporaryDirectory()
        self.database = try self.directory.migratedDatabase()
        let config = try CRMConfig(
            environment: ["CRM_DATA_DIR": self.directory.path, "CRM_BCRYPT_COST": "4", "CRM_PUBLIC_URL": Self.origin]
                .merging(extra) { _, new in new }
        )
        var services = AppServices(config: config, database: self.database, clock: self.clock.clock)
        if let eventKeepAlive { services.eventKeepAlive = eventKeepAlive }
        self.services = services
        self.router = buildRouter(services: self.services)
    }

    /// Creates a user directly in the database.
    @discardableResult
    func createUser(_ email: String, role: User.Role = .member, mustChangePassword: Bool = false) async throws -> User {
        let hash = try await self.services.hasher.hash(Self.password)
        return try await self.database.pool.write { db in
            try User(email: email, name: email, role: role, passwordHash: hash, mustChangePassword: mustChangePassword)
                .inserted(db)
        }
    }

    func test(_ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = Application(router: self.router, logger: self.logs.logger(label: "crm-api"))
        try await app.test(.router) { client in try await body(Client(client: client)) }
    }
}

/// A test client that remembers its session cookie and sends our Origin on writes, like a browser.
final class Client: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookie: String?
    /// The device cookie a browser keeps after signing in (sent only when set).
    var device: String?
    var origin: String? = TestApp.origin

    init(client: any TestClientProtocol) {
        self.client = client
    }

    struct Reply {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        var json: [String: JSONValue] {
            (try? JSONDecoder().decode([String: JSONValue].self, from: Data(self.body.utf8))) ?? [:]
        }

        /// The value at a path of object keys, e.g. `value("user", "email")`.
        func value(_ path: String...) -> JSONValue? { self.value(path) }

        func value(_ path: [String]) -> JSONValue? {
            var current: JSONValue? = .object(self.json)
            for key in path {
                guard case .object(let object)? = current else { return nil }
                current = object[key]
            }
            return current
        }

        var error: String? {
            if case .string(let code)? = self.json["error"] { return code }
            return nil
        }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        bearer: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        let cookies = [
            self.cookie.map { "\(SessionStore.cookieName)=\($0)" }, self.device.map { "\(DeviceCookie.name)=\($0)" },
        ]
        .compactMap { $0 }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if method.isUnsafe, let origin = self.origin, headers[.origin] == nil { headers[.origin] = origin }
        if json != nil { headers[.contentType] = "application/json" }
        let body = json.map { ByteBuffer(string: $0) }
        return try await self.client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            for value in response.headers[values: .setCookie] where value.hasPrefix(SessionStore.cookieName + "=") {
                let token = value.dropFirst(SessionStore.cookieName.count + 1).prefix { $0 != ";" }
                self.cookie = token.isEmpty ? nil : String(token)
            }
            for value in response.headers[values: .setCookie] where value.hasPrefix(DeviceCookie.name + "=") {
                self.device = String(value.dropFirst(DeviceCookie.name.count + 1).prefix { $0 != ";" })
            }
            return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    @discardableResult
    func login(_ email: String, password: String = TestApp.password) async throws -> Reply {
        try await self.send(.post, "/api/auth/login", json: #"{"email": "\#(email)", "password": "\#(password)"}"#)
    }
}

import Foundation
import HTTPTypes
import Shared
import SharedTesting
import Testing

@testable import crm_api

@Suite struct RulesTests {
    /// The web app's unit tests run on this file; it must be what the server serves.
    static let fixture = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Web/fixtures/rules.json")

    @Test func theServedRulesAreTheServersOwnAndTheBrowsersFixtureMatchesThem() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let reply = try await client.send(.get, "/api/rules")
            #expect(reply.status == .ok)
            #expect(
                reply.value("operators", "text")
                    == .array(ViewCompiler.operators(for: .text).map { .string($0.rawValue) })
            )
            #expect(reply.value("types", "formula", "read_only") == true)
            #expect(
                reply.value("formula_results", "boolean") == "number",
                "a true/false formula filters as the server stores it"
            )
            #expect(reply.value("max_filter_depth") == .number(Double(ViewCompiler.maximumDepth)))
            #expect(reply.value("required", "commitments") == ["investor_id", "fund_id"])
            let served = try #require(JSONValue.decode(reply.body))
            let committed = try #require(JSONValue.decode(try String(contentsOf: Self.fixture, encoding: .utf8)))
            #expect(
                served == committed,
                "Tests/Web/fixtures/rules.json is stale: write the body of GET /api/rules there"
            )
        }
    }

    @Test func selectFieldsCarryTheirOptionsAsPeopleReadThem() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let reply = try await client.send(.get, "/api/tables/investors/fields")
            guard case .array(let fields)? = reply.value("fields") else {
                Issue.record("no fields")
                return
            }
            let stage = fields.first { if case .object(let field) = $0 { field["key"] == "stage" } else { false } }
            guard case .object(let field)? = stage, case .object(let labels)? = field["choice_labels"] else {
                Issue.record("the stage field has no choice_labels")
                return
            }
            #expect(labels["soft_circle"] == "Soft circle")
        }
    }
}

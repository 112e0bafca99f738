import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing
@testable import crm_api

@Suite struct FieldsTests {
    @Test func aCustomFieldGetsAStableKeyAndHoldsValues() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let created = try await client.send(
                .post, "/api/tables/investors/fields",
                json: #"{"label": "Relationship Strength (1–5)", "type": "single_select", "options": {"choices": ["Cold", "Warm", "Hot"]}}"#)
            #expect(created.status == .created, "\(created.body)")
            #expect(created.value("key") == "relationship_strength_1_5")
            #expect(created.value("options", "choices") == ["Cold", "Warm", "Hot"])

            let again = try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "Relationship strength 1 5", "type": "text"}"#)
            #expect(again.value("key") == "relationship_strength_1_5_2")
            #expect(try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "Stage", "type": "text"}"#).value("key") == "stage_2")
            #expect(try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "2025 Notes", "type": "text"}"#).value("key") == "field_2025_notes")
            #expect(try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "ID", "type": "number"}"#).value("key") == "id_2")
            #expect(try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "Café d'été", "type": "text"}"#).value("key") == "cafe_d_ete")

            let investor = try await client.send(
                .post, "/api/tables/investors/records", json: #"{"fields": {"name": "Acme", "relationship_strength_1_5": "warm"}}"#)
            #expect(investor.value("fields", "relationship_strength_1_5") == "Warm")
            #expect(try await client.send(
                .post, "/api/tables/investors/records", json: #"{"fields": {"name": "B", "relationship_strength_1_5": "lukewarm"}}"#
            ).status == .unprocessableContent)

            let renamed = try await client.send(.patch, "/api/tables/investors/fields/relationship_strength_1_5", json: #"{"label": "Warmth"}"#)
            #expect(renamed.value("key") == "relationship_strength_1_5")
            #expect(renamed.value("label") == "Warmth")
            #expect(try await client.send(.get, "/api/tables/investors/records/1").value("fields", "relationship_strength_1_5") == "Warm")
        }
    }

    @Test func deletingIsSoftAdminOnlyAndNeverForCoreFields() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            try await admin.send(.post, "/api/tables/contacts/fields", json: #"{"label": "Met at", "type": "text"}"#)
            try await admin.send(.post, "/api/tables/contacts/records", json: #"{"fields": {"name": "Grace", "met_at": "SuperReturn"}}"#)

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(try await member.send(.delete, "/api/tables/contacts/fields/met_at").status == .forbidden)

            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/name").error == "core_field")
            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/met_at").status == .noContent)
            #expect(try await admin.send(.get, "/api/tables/contacts/records/1").value("fields", "met_at") == nil)
            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/met_at").status == .notFound)
            #expect(try await admin.send(.post, "/api/tables/contacts/fields", json: #"{"label": "Met at", "type": "text"}"#).value("key") == "met_at_2")
        }
        let stored = try await app.database.pool.read { db in try String.fetchOne(db, sql: "SELECT custom FROM fundraising_contacts") }
        #expect(stored?.contains("SuperReturn") == true, "the archived field's values are kept")
    }

    @Test func badFieldDefinitionsAreRefused() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let bodies = [
                #"{"label": "", "type": "text"}"#,
                #"{"label": "X", "type": "spreadsheet"}"#,
                #"{"label": "X", "type": "formula"}"#,
                #"{"label": "X", "type": "link", "options": {"table": "users"}}"#,
                #"{"label": "X", "type": "single_select", "options": {"choices": ["A", "a"]}}"#,
                #"{"label": "X", "type": "rating", "options": {"max": 99}}"#,
                #"{"label": "X", "type": "currency", "options": {"currency": "dollars"}}"#,
            ]
            for body in bodies {
                let reply = try await client.send(.post, "/api/tables/investors/fields", json: body)
                #expect(reply.status == .unprocessableContent, "\(body) → \(reply.status)")
            }
            #expect(try await client.send(.patch, "/api/tables/investors/fields/stage", json: #"{"options": {"choices": ["x"]}}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/api/tables/investors/fields/stage", json: #"{"type": "text"}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/api/tables/investors/fields/nope", json: #"{"label": "Y"}"#).status == .notFound)
            #expect(try await client.send(.patch, "/api/tables/investors/fields/stage", json: #"{"label": "Pipeline stage", "hidden_by_default": true}"#).status == .ok)
        }
    }

    @Test func metadataFieldsShowTheRecordsOwnTimesAndEditor() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.send(.post, "/api/tables/funds/fields", json: #"{"label": "Created", "type": "created_time"}"#)
            try await client.send(.post, "/api/tables/funds/fields", json: #"{"label": "Editor", "type": "last_modified_by"}"#)
            let fund = try await client.send(.post, "/api/tables/funds/records", json: #"{"fields": {"name": "Fund I"}}"#)
            guard case .string(let created)? = fund.value("fields", "created") else {
                Issue.record("no created time in \(fund.body)")
                return
            }
            #expect(created.hasSuffix("Z"))
            #expect(fund.value("fields", "editor") == 1)
            let write = try await client.send(.patch, "/api/tables/funds/records/1", json: #"{"expected_version": 1, "fields": {"created": "2020-01-01T00:00:00Z"}}"#)
            #expect(write.status == .unprocessableContent)
        }
    }
}

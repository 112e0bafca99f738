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
                .post,
                "/api/tables/investors/fields",
                json:
                    #"{"label": "Relationship Strength (1–5)", "type": "single_select", "options": {"choices": ["Cold", "Warm", "Hot"]}}"#
            )
            #expect(created.status == .created, "\(created.body)")
            #expect(created.value("key") == "relationship_strength_1_5")
            #expect(created.value("options", "choices") == ["Cold", "Warm", "Hot"])

            let again = try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Relationship strength 1 5", "type": "text"}"#
            )
            #expect(again.value("key") == "relationship_strength_1_5_2")
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "Stage", "type": "text"}"#
                ).value("key") == "stage_2"
            )
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "2025 Notes", "type": "text"}"#
                ).value("key") == "field_2025_notes"
            )
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "ID", "type": "number"}"#
                ).value("key") == "id_2"
            )
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "Café d'été", "type": "text"}"#
                ).value("key") == "cafe_d_ete"
            )

            let investor = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Acme", "relationship_strength_1_5": "warm"}}"#
            )
            #expect(investor.value("fields", "relationship_strength_1_5") == "Warm")
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/records",
                    json: #"{"fields": {"name": "B", "relationship_strength_1_5": "lukewarm"}}"#
                ).status == .unprocessableContent
            )

            let renamed = try await client.send(
                .patch,
                "/api/tables/investors/fields/relationship_strength_1_5",
                json: #"{"label": "Warmth"}"#
            )
            #expect(renamed.value("key") == "relationship_strength_1_5")
            #expect(renamed.value("label") == "Warmth")
            #expect(
                try await client.send(.get, "/api/tables/investors/records/1").value(
                    "fields",
                    "relationship_strength_1_5"
                ) == "Warm"
            )
        }
    }

    @Test func deletingIsSoftAdminOnlyAndNeverForCoreFields() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            try await admin.send(.post, "/api/tables/contacts/fields", json: #"{"label": "Met at", "type": "text"}"#)
            try await admin.send(
                .post,
                "/api/tables/contacts/records",
                json: #"{"fields": {"name": "Grace", "met_at": "SuperReturn"}}"#
            )

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(try await member.send(.delete, "/api/tables/contacts/fields/met_at").status == .forbidden)

            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/name").error == "core_field")
            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/met_at").status == .noContent)
            #expect(try await admin.send(.get, "/api/tables/contacts/records/1").value("fields", "met_at") == nil)
            #expect(try await admin.send(.delete, "/api/tables/contacts/fields/met_at").status == .notFound)
            #expect(
                try await admin.send(
                    .post,
                    "/api/tables/contacts/fields",
                    json: #"{"label": "Met at", "type": "text"}"#
                ).value("key") == "met_at_2"
            )
        }
        let stored = try await app.database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT custom FROM fundraising_contacts")
        }
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
            #expect(
                try await client.send(
                    .patch,
                    "/api/tables/investors/fields/stage",
                    json: #"{"options": {"choices": ["x"]}}"#
                ).status == .unprocessableContent
            )
            #expect(
                try await client.send(.patch, "/api/tables/investors/fields/stage", json: #"{"type": "text"}"#).status
                    == .forbidden,
                "a member never changes a type"
            )
            #expect(
                try await client.send(.patch, "/api/tables/investors/fields/nope", json: #"{"label": "Y"}"#).status
                    == .notFound
            )
            #expect(
                try await client.send(
                    .patch,
                    "/api/tables/investors/fields/stage",
                    json: #"{"label": "Pipeline stage", "hidden_by_default": true}"#
                ).status == .ok
            )
        }
    }

    @Test func metadataFieldsShowTheRecordsOwnTimesAndEditor() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.send(
                .post,
                "/api/tables/funds/fields",
                json: #"{"label": "Created", "type": "created_time"}"#
            )
            try await client.send(
                .post,
                "/api/tables/funds/fields",
                json: #"{"label": "Editor", "type": "last_modified_by"}"#
            )
            let fund = try await client.send(
                .post,
                "/api/tables/funds/records",
                json: #"{"fields": {"name": "Fund I"}}"#
            )
            guard case .string(let created)? = fund.value("fields", "created") else {
                Issue.record("no created time in \(fund.body)")
                return
            }
            #expect(created.hasSuffix("Z"))
            #expect(fund.value("fields", "editor") == 1)
            let write = try await client.send(
                .patch,
                "/api/tables/funds/records/1",
                json: #"{"expected_version": 1, "fields": {"created": "2020-01-01T00:00:00Z"}}"#
            )
            #expect(write.status == .unprocessableContent)
        }
    }
}

@Suite struct FormulaFieldsAPITests {
    @Test func aFormulaFieldIsCheckedComputedAndShowsItsErrors() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { client in
            try await client.login("root@example.com")
            try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Acme", "check_size_min": 250000}}"#
            )
            let created = try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Ticket", "type": "formula", "formula": "{Check size min} / 1000 & \"k\""}"#
            )
            #expect(created.status == .created, "\(created.body)")
            #expect(created.value("result_type") == "text")
            #expect(created.value("formula") == #"{Check size min} / 1000 & "k""#)
            #expect(try await client.send(.get, "/api/tables/investors/records/1").value("fields", "ticket") == "250k")

            let ratio = try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Ratio", "type": "formula", "formula": "{Check size max} / {Check size min}"}"#
            )
            #expect(ratio.value("result_type") == "number")
            let record = try await client.send(.get, "/api/tables/investors/records/1")
            #expect(record.value("fields", "ratio") == 0)
            let empty = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Beta"}}"#
            )
            #expect(empty.value("fields", "ratio") == "NaN")
            #expect(empty.value("errors", "ratio") == "0 divided by 0 has no value.")

            let refused = try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Bad", "type": "formula", "formula": "LEFT({Nme}, 2)"}"#
            )
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error == "invalid_formula")
            #expect(refused.value("message") == "Unknown field {Nme}. Did you mean {Name}?")
            #expect(refused.value("details", "start") == 5)
            #expect(refused.value("details", "end") == 10)
            #expect(try await client.send(.get, "/api/tables/investors/fields").body.contains("\"Bad\"") == false)

            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "X", "type": "formula", "formula": "  "}"#
                ).error == "invalid_field"
            )
            #expect(
                try await client.send(
                    .post,
                    "/api/tables/investors/fields",
                    json: #"{"label": "X", "type": "text", "formula": "1"}"#
                ).error == "invalid_field"
            )
            #expect(
                try await client.send(
                    .patch,
                    "/api/tables/investors/records/1",
                    json: #"{"expected_version": 1, "fields": {"ratio": 3}}"#
                ).status == .unprocessableContent
            )

            let changed = try await client.send(
                .patch,
                "/api/tables/investors/fields/ticket",
                json: #"{"formula": "LEN({Name})"}"#
            )
            #expect(changed.value("result_type") == "number")
            #expect(try await client.send(.get, "/api/tables/investors/records/1").value("fields", "ticket") == 4)
            let cycle = try await client.send(
                .patch,
                "/api/tables/investors/fields/ticket",
                json: #"{"formula": "{Ticket} + 1"}"#
            )
            #expect(cycle.error == "invalid_formula")

            try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "Score", "type": "number"}"#)
            try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Score x2", "type": "formula", "formula": "{Score} * 2"}"#
            )
            let inUse = try await client.send(.delete, "/api/tables/investors/fields/score")
            #expect(inUse.status == .conflict)
            #expect(inUse.error == "field_in_use")
            #expect(inUse.value("message") == "This field is used by the formula {Score x2}; change it first.")
        }
    }
}

@Suite struct FormulaEditorAPITests {
    @Test func theEditorListsFunctionsAndChecksAsTheUserTypes() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let functions = try await client.send(.get, "/api/formulas/functions")
            #expect(functions.status == .ok)
            #expect(functions.body.contains(#""signature":"DATETIME_DIFF(date1, date2, [unit])""#))
            #expect(functions.body.components(separatedBy: #""name":"#).count - 1 == 84)

            let fine = try await client.send(
                .post,
                "/api/tables/investors/formulas/check",
                json: #"{"formula": "DATEADD({Next step date}, 7, 'days')"}"#
            )
            #expect(fine.value("result_type") == "date")
            #expect(fine.value("dependencies") == ["next_step_at"])
            let typing = try await client.send(
                .post,
                "/api/tables/investors/formulas/check",
                json: #"{"formula": "IF({Stage} = \"passed\", "}"#
            )
            #expect(typing.error == "invalid_formula")
            #expect(typing.value("details", "start") == 23)
            let own = try await client.send(
                .post,
                "/api/tables/investors/formulas/check",
                json: #"{"formula": "{Days} + 1", "label": "Days"}"#
            )
            #expect(own.value("message") == "A formula cannot use its own field {Days}.")
            #expect(
                try await client.send(.post, "/api/tables/planets/formulas/check", json: #"{"formula": "1"}"#).status
                    == .notFound
            )
            #expect(
                try await client.send(.post, "/api/tables/investors/formulas/check", json: #"{"nope": 1}"#).status
                    == .badRequest
            )
        }
    }
}

@Suite struct FormulaJobsAPITests {
    @Test func aFormulaOnALargeTableAnswersAtOnceWithAJobToFollow() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        let store = RecordStore(database: app.database)
        for index in 1...(FormulaJobs.inlineLimit + 1) {
            _ = try await store.create(.funds, fields: ["name": .string("Fund \(index)")], by: nil)
        }
        try await app.test { client in
            try await client.login("ada@example.com")
            let created = try await client.send(
                .post,
                "/api/tables/funds/fields",
                json: #"{"label": "Short", "type": "formula", "formula": "LEFT({Name}, 4)"}"#
            )
            #expect(created.status == .created)
            #expect(created.value("recompute", "status") == "running")
            #expect(created.value("recompute", "total") == .number(Double(FormulaJobs.inlineLimit + 1)))
            guard case .number(let id)? = created.value("recompute", "id") else {
                Issue.record("no job id")
                return
            }
            #expect(try await client.send(.get, "/api/formulas/jobs/\(Int(id))").value("status") == "running")
            try await FormulaJobs(database: app.database).runAll()
            let finished = try await client.send(.get, "/api/formulas/jobs/\(Int(id))")
            #expect(finished.value("status") == "done")
            #expect(finished.value("done") == finished.value("total"))
            #expect(try await client.send(.get, "/api/tables/funds/records/2001").value("fields", "short") == "Fund")
            #expect(try await client.send(.get, "/api/tables/funds/fields").body.contains("\"recompute\"") == false)
            #expect(try await client.send(.get, "/api/formulas/jobs/999").status == .notFound)
            #expect(try await client.send(.get, "/api/formulas/jobs/abc").status == .notFound)
        }
    }
}

/// Changing a field's type over HTTP: a preview anyone can ask for; the change itself for admins,
/// refused with the count while values would be lost, then done with `confirm_loss`.
@Suite struct FieldTypeChangeAPITests {
    /// type-preview named other users' personal views to any member.
    @Test func aPreviewCountsOtherPeoplesPersonalViewsWithoutNamingThem() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            try await ada.send(.post, "/api/tables/investors/fields", json: #"{"label": "Ticket", "type": "text"}"#)
            let view = try await ada.send(
                .post,
                "/api/tables/investors/views",
                json:
                    #"{"name": "Ada's quiet LPs", "scope": "personal", "definition": {"v": 1, "filter": {"conditions": [{"field": "ticket", "operator": "contains", "value": "1"}]}}}"#
            )
            #expect(view.status == .created, "\(view.body)")
            let own = try await ada.send(
                .post,
                "/api/tables/investors/fields/ticket/type-preview",
                json: #"{"type": "number"}"#
            )
            #expect(own.value("views") == ["Ada's quiet LPs"] && own.value("other_views") == 0)

            let bob = Client(client: ada.client)
            try await bob.login("bob@example.com")
            let other = try await bob.send(
                .post,
                "/api/tables/investors/fields/ticket/type-preview",
                json: #"{"type": "number"}"#
            )
            #expect(other.status == .ok && other.value("views") == [] && other.value("other_views") == 1)
            #expect(!other.body.contains("quiet"))
        }
    }

    @Test func previewThenChangeWithTheLossConfirmedAndMembersRefused() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            try await admin.send(.post, "/api/tables/investors/fields", json: #"{"label": "Ticket", "type": "text"}"#)
            for ticket in ["1,200", "soon"] {
                try await admin.send(
                    .post,
                    "/api/tables/investors/records",
                    json: #"{"fields": {"name": "N \#(ticket)", "ticket": "\#(ticket)"}}"#
                )
            }
            let preview = try await admin.send(
                .post,
                "/api/tables/investors/fields/ticket/type-preview",
                json: #"{"type": "number"}"#
            )
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(preview.value("converted") == 1 && preview.value("failed") == 1 && preview.value("blank") == 0)

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(
                try await member.send(.patch, "/api/tables/investors/fields/ticket", json: #"{"type": "number"}"#)
                    .status == .forbidden
            )
            #expect(
                try await member.send(
                    .post,
                    "/api/tables/investors/fields/ticket/type-preview",
                    json: #"{"type": "number"}"#
                ).status == .ok
            )

            try await admin.login("root@example.com")
            let refused = try await admin.send(
                .patch,
                "/api/tables/investors/fields/ticket",
                json: #"{"type": "number"}"#
            )
            #expect(
                refused.status == .conflict && refused.error == "values_would_be_lost"
                    && refused.value("details", "failed") == 1
            )
            #expect(
                try await admin.send(.patch, "/api/tables/investors/fields/ticket", json: #"{"type": "nope"}"#).error
                    == "invalid_field"
            )
            #expect(
                try await admin.send(.patch, "/api/tables/investors/fields/stage", json: #"{"type": "text"}"#).error
                    == "invalid_field"
            )
            let changed = try await admin.send(
                .patch,
                "/api/tables/investors/fields/ticket",
                json: #"{"type": "number", "confirm_loss": true, "label": "Ticket size"}"#
            )
            #expect(
                changed.status == .ok && changed.value("type") == "number" && changed.value("label") == "Ticket size",
                "\(changed.body)"
            )
            #expect(try await admin.send(.get, "/api/tables/investors/records/1").value("fields", "ticket") == 1200)
        }
    }
}

/// `POST …/fields/:key/choices`: a new option typed in a cell, for custom select fields only.
@Suite struct FieldChoicesAPITests {
    @Test func aMemberAddsAnOptionOnceAndBadRequestsChangeNothing() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            let path = "/api/tables/investors/fields/sector/choices"
            #expect(try await client.send(.post, path, json: #"{"choice": "AI"}"#).status == .unauthorized)
            try await client.login("ada@example.com")
            try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Sector", "type": "multi_select", "options": {"choices": ["Fintech"]}}"#
            )
            try await client.send(
                .post,
                "/api/tables/investors/fields",
                json: #"{"label": "Tags", "type": "multi_select", "options": {"free": true}}"#
            )
            try await client.send(.post, "/api/tables/investors/fields", json: #"{"label": "Memo", "type": "text"}"#)

            let added = try await client.send(.post, path, json: #"{"choice": "Climate"}"#)
            #expect(added.status == .created, "\(added.body)")
            #expect(added.value("options", "choices") == ["Fintech", "Climate"])
            let record = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Acme", "sector": ["climate", "Fintech"]}}"#
            )
            #expect(record.value("fields", "sector") == ["Climate", "Fintech"])

            let again = try await client.send(.post, path, json: #"{"choice": "CLIMATE"}"#)
            #expect(again.status == .ok && again.value("options", "choices") == ["Fintech", "Climate"])

            let refusals: [(String, String, HTTPResponse.Status)] = [
                (path, #"{"choice": ""}"#, .unprocessableContent),
                (path, #"{"choice": "two\nlines"}"#, .unprocessableContent),
                (path, "{\"choice\": \"\(String(repeating: "x", count: 201))\"}", .unprocessableContent),
                (path, #"{"choice": 7}"#, .badRequest),
                (path, #"{"option": "AI"}"#, .badRequest),
                (path, #"not json"#, .badRequest),
                ("/api/tables/investors/fields/stage/choices", #"{"choice": "Ghosted"}"#, .unprocessableContent),
                ("/api/tables/investors/fields/tags/choices", #"{"choice": "AI"}"#, .unprocessableContent),
                ("/api/tables/investors/fields/memo/choices", #"{"choice": "AI"}"#, .unprocessableContent),
                ("/api/tables/investors/fields/nope/choices", #"{"choice": "AI"}"#, .notFound),
                ("/api/tables/lizards/fields/sector/choices", #"{"choice": "AI"}"#, .notFound),
            ]
            for (target, body, status) in refusals {
                let answer = try await client.send(.post, target, json: body)
                #expect(answer.status == status, "\(target) \(body): \(answer.body)")
                #expect(answer.error != nil, "a JSON error for \(target) \(body)")
            }
            let fields = try await client.send(.get, "/api/tables/investors/fields")
            #expect(fields.body.contains(#""choices":["Fintech","Climate"]"#), "nothing else was added")
            #expect(!fields.body.contains("Ghosted"))
        }
    }
}

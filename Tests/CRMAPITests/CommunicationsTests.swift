import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// Logging a call, meeting, email, note or intro: it attaches to the records named or creates
/// them (never a silent duplicate), moves the relationship signals, and is in history and the
/// activity feed.
@Suite struct CommunicationsTests {
    struct Seeded {
        let app: TestApp
        let ann: Int64
        let bob: Int64
        let alder: Int64
        let jane: Int64
    }

    func seeded() async throws -> Seeded {
        let app = try TestApp()
        let ann = try await app.createUser("ann@fund.example", role: .admin).id!
        let bob = try await app.createUser("bob@fund.example").id!
        let store = RecordStore(database: app.database)
        let alder = try await store.create(.investors, fields: ["name": "Alder Family Office"], by: ann).id
        let jane = try await store.create(
            .contacts,
            fields: ["name": "Jane Doe", "emails": ["jane@alder.example"], "investor_id": .number(Double(alder))],
            by: ann
        ).id
        return Seeded(app: app, ann: ann, bob: bob, alder: alder, jane: jane)
    }

    func fields(_ app: TestApp, _ table: RecordTable, _ id: Int64) async throws -> [String: JSONValue] {
        try #require(try await RecordStore(database: app.database).get(table, id: id)).fields
    }

    @Test func aLoggedCallAttachesMovesTheSignalsAndIsInHistoryAndTheFeed() async throws {
        let seeded = try await self.seeded()
        let when = ISO8601.string(seeded.app.clock.clock.now().addingTimeInterval(-2 * 86_400))
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let logged = try await client.send(
                .post,
                "/api/communications",
                json:
                    #"{"kind": "call", "occurred_at": "\#(when)", "contact_ids": [\#(seeded.jane)], "summary": "Q3 close timing"}"#
            )
            #expect(logged.status == .created, "\(logged.body)")
            #expect(
                logged.value("communication", "investor_id") == .number(Double(seeded.alder)),
                "the contact's investor"
            )
            #expect(logged.value("communication", "member_id") == .number(Double(seeded.bob)))
            #expect(logged.value("communication", "source") == "app")
            for (table, id) in [(RecordTable.contacts, seeded.jane), (.investors, seeded.alder)] {
                let fields = try await self.fields(seeded.app, table, id)
                #expect(fields["last_contacted_at"] == .string(when))
                #expect(fields["last_contacted_by"] == .number(Double(seeded.bob)))
                #expect(fields["closest_teammate"] == .number(Double(seeded.bob)), "a call is two-way")
                #expect(fields["staleness"] == "fresh")
            }
            let feed = try await client.send(.get, "/api/activity?type=communication")
            #expect(feed.body.contains(#""action":"communication_create""#) && feed.body.contains("Q3 close timing"))

            guard case .number(let id)? = logged.value("communication", "id") else { return }
            let earlier = ISO8601.string(seeded.app.clock.clock.now().addingTimeInterval(-40 * 86_400))
            let moved = try await client.send(
                .patch,
                "/api/communications/\(Int(id))",
                json: #"{"expected_version": 1, "occurred_at": "\#(earlier)", "kind": "meeting"}"#
            )
            #expect(moved.status == .ok, "\(moved.body)")
            #expect(moved.value("communication", "version") == 2)
            #expect(try await self.fields(seeded.app, .contacts, seeded.jane)["staleness"] == "aging")
            let stale = try await client.send(
                .patch,
                "/api/communications/\(Int(id))",
                json: #"{"expected_version": 1, "summary": "x"}"#
            )
            #expect(stale.status == .conflict && stale.error == "version_conflict")

            #expect(try await client.send(.delete, "/api/communications/\(Int(id))").status == .noContent)
            #expect(try await self.fields(seeded.app, .contacts, seeded.jane)["last_contacted_at"] == .null)
            #expect(try await client.send(.get, "/api/communications/\(Int(id))").status == .notFound)
            let restored = try await client.send(.post, "/api/communications/\(Int(id))/restore")
            #expect(restored.status == .ok)
            #expect(try await self.fields(seeded.app, .contacts, seeded.jane)["last_contacted_at"] == .string(earlier))
            let history = try await seeded.app.database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT action FROM communication_history ORDER BY id")
            }
            #expect(history == ["create", "update", "delete", "restore"])
        }
    }

    @Test func aNewInvestorOrContactIsOfferedTheLikelyExistingOnesFirst() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let alike = try await client.send(
                .post,
                "/api/communications",
                json: #"{"kind": "intro", "new_investor": "alder", "summary": "Intro via Piet"}"#
            )
            #expect(alike.status == .conflict && alike.error == "possible_duplicate")
            #expect(alike.body.contains(#""name":"Alder Family Office""#))
            let created = try await client.send(
                .post,
                "/api/communications",
                json: #"""
                    {"kind": "intro", "new_investor": "Alder", "confirm_new": true, "summary": "Intro via Piet",
                     "new_contacts": [{"name": "Piet", "email": "piet@alder-two.example"}]}
                    """#
            )
            #expect(created.status == .created, "\(created.body)")
            let investors = try await seeded.app.database.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM fundraising_investors WHERE deleted_at IS NULL ORDER BY id"
                )
            }
            #expect(investors == ["Alder Family Office", "Alder"])
            let sameAddress = try await client.send(
                .post,
                "/api/communications",
                json: #"""
                    {"kind": "email", "investor_id": \#(seeded.alder), "confirm_new": true, "summary": "Hi",
                     "new_contacts": [{"name": "Jane D.", "email": "JANE@alder.example"}]}
                    """#
            )
            #expect(sameAddress.status == .conflict, "one address is one person, confirmed or not")
            #expect(sameAddress.body.contains(#""name":"Jane Doe""#))
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let tomorrowAndMore = ISO8601.string(seeded.app.clock.clock.now().addingTimeInterval(3 * 86_400))
            for (body, key) in [
                (#"{"kind": "call", "investor_id": \#(seeded.alder), "summary": "  "}"#, "summary"),
                (#"{"kind": "call", "summary": "Nobody"}"#, "investor_id"),
                (#"{"kind": "call", "investor_id": 999, "summary": "x"}"#, "investor_id"),
                (#"{"kind": "call", "contact_ids": [999], "summary": "x"}"#, "contact_ids"),
                (#"{"kind": "call", "investor_id": \#(seeded.alder), "member_id": 999, "summary": "x"}"#, "member_id"),
                (
                    #"{"kind": "call", "investor_id": \#(seeded.alder), "occurred_at": "\#(tomorrowAndMore)", "summary": "x"}"#,
                    "occurred_at"
                ),
                (
                    #"{"kind": "call", "investor_id": \#(seeded.alder), "occurred_at": "last week", "summary": "x"}"#,
                    "occurred_at"
                ),
                (
                    #"{"kind": "call", "new_contacts": [{"name": "P", "email": "not mail"}], "summary": "x"}"#,
                    "new_contacts.0.email"
                ),
            ] {
                let reply = try await client.send(.post, "/api/communications", json: body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.body)")
                #expect(reply.value("details", key) != nil, "\(body): \(reply.body)")
            }
            for body in [#"{"kind": "telegram", "investor_id": 1, "summary": "x"}"#, #"{"summary": "x"}"#, "[]", "{"] {
                let reply = try await client.send(.post, "/api/communications", json: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.body)")
            }
            let left = try await seeded.app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM communications")
            }
            #expect(left == 0)
            for bad in ["kind=fax", "limit=0", "cursor=x", "investor_id=0", "since=soon"] {
                #expect(try await client.send(.get, "/api/communications?\(bad)").status == .badRequest, "\(bad)")
            }
            client.cookie = nil
            #expect(try await client.send(.get, "/api/communications").status == .unauthorized)
        }
    }

    @Test func theListFiltersAndPagesNewestFirstAndTokensLogAsTheAPI() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("ann@fund.example")
            for (index, kind) in ["call", "note", "meeting"].enumerated() {
                let at = ISO8601.string(seeded.app.clock.clock.now().addingTimeInterval(-Double(10 - index) * 86_400))
                let reply = try await client.send(
                    .post,
                    "/api/communications",
                    json:
                        #"{"kind": "\#(kind)", "occurred_at": "\#(at)", "investor_id": \#(seeded.alder), "summary": "\#(kind) \#(index)"}"#
                )
                #expect(reply.status == .created)
            }
            let first = try await client.send(.get, "/api/communications?investor_id=\(seeded.alder)&limit=2")
            #expect(first.body.contains("meeting 2") && first.body.contains("note 1") && !first.body.contains("call 0"))
            guard case .string(let cursor)? = first.value("next_cursor") else {
                Issue.record("no cursor: \(first.body)")
                return
            }
            let rest = try await client.send(
                .get,
                "/api/communications?investor_id=\(seeded.alder)&limit=2&cursor=\(cursor)"
            )
            #expect(rest.body.contains("call 0") && rest.value("next_cursor") == .null)
            #expect(try await client.send(.get, "/api/communications?kind=note").body.contains("note 1"))
            #expect(!(try await client.send(.get, "/api/communications?kind=call")).body.contains("note 1"))

            let token = try await client.send(
                .post,
                "/api/auth/tokens",
                json: #"{"name": "script", "password": "\#(TestApp.password)"}"#
            )
            guard case .string(let secret)? = token.value("token") else {
                Issue.record("no token: \(token.body)")
                return
            }
            let viaAPI = try await client.send(
                .post,
                "/api/communications",
                json: #"{"kind": "email", "investor_id": \#(seeded.alder), "summary": "From a script"}"#,
                bearer: secret
            )
            #expect(viaAPI.value("communication", "source") == "api")
        }
    }
}

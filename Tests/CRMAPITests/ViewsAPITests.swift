import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import SharedTesting
import Testing

@testable import Shared
@testable import crm_api

@Suite struct ViewsAPITests {
    func viewId(_ reply: Client.Reply) -> Int {
        if case .number(let id)? = reply.value("id") { return Int(id) }
        return 0
    }

    @Test func personalSharedAndLockedViewsFollowTheirRulesPerRole() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com", role: .admin)
        try await app.createUser("bob@example.com")
        try await app.createUser("cyd@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let bob = Client(client: ada.client)
            try await bob.login("bob@example.com")
            let cyd = Client(client: ada.client)
            try await cyd.login("cyd@example.com")
            let definition = #"{"v": 1, "sorts": [{"field": "name"}]}"#

            let mine = try await bob.send(
                .post,
                "/api/tables/investors/views",
                json: #"{"name": "Bob's", "definition": \#(definition)}"#
            )
            #expect(mine.status == .created && mine.value("scope") == "personal" && mine.value("owner_id") == 2)
            let personal = self.viewId(mine)
            #expect(try await cyd.send(.get, "/api/tables/investors/views/\(personal)").status == .notFound)
            #expect(
                try await ada.send(.get, "/api/tables/investors/views/\(personal)").status == .notFound,
                "admins do not see personal views"
            )
            #expect(
                try await cyd.send(.patch, "/api/tables/investors/views/\(personal)", json: #"{"name": "x"}"#).status
                    == .notFound
            )
            let listed = try await cyd.send(.get, "/api/tables/investors/views")
            #expect(!listed.body.contains("Bob's") && listed.body.contains("All investors"))

            let lockedByMember = try await bob.send(
                .post,
                "/api/tables/investors/views",
                json: #"{"name": "Team", "scope": "shared", "locked": true}"#
            )
            #expect(lockedByMember.status == .forbidden)
            let shared = self.viewId(
                try await bob.send(.post, "/api/tables/investors/views", json: #"{"name": "Team", "scope": "shared"}"#)
            )
            #expect(
                try await cyd.send(.patch, "/api/tables/investors/views/\(shared)", json: #"{"name": "Team view"}"#)
                    .status == .ok
            )
            #expect(
                try await cyd.send(.patch, "/api/tables/investors/views/\(shared)", json: #"{"locked": true}"#).status
                    == .forbidden
            )
            let locked = try await ada.send(
                .patch,
                "/api/tables/investors/views/\(shared)",
                json: #"{"locked": true, "expected_version": 2}"#
            )
            #expect(locked.status == .ok && locked.value("locked") == true && locked.value("version") == 3)
            #expect(
                try await bob.send(.patch, "/api/tables/investors/views/\(shared)", json: #"{"name": "Mine now"}"#)
                    .status == .forbidden
            )
            #expect(try await bob.send(.delete, "/api/tables/investors/views/\(shared)").status == .forbidden)
            let stale = try await ada.send(
                .patch,
                "/api/tables/investors/views/\(shared)",
                json: #"{"name": "Old", "expected_version": 2}"#
            )
            #expect(stale.status == .conflict && stale.value("details", "current_version") == 3)
            #expect(
                try await ada.send(.patch, "/api/tables/investors/views/\(shared)", json: #"{"scope": "personal"}"#)
                    .status
                    == .unprocessableContent
            )

            let copy = try await cyd.send(.post, "/api/tables/investors/views/\(shared)/duplicate")
            #expect(
                copy.status == .created && copy.value("scope") == "personal" && copy.value("name") == "Team view copy"
            )
            let nameless = try await cyd.send(
                .post,
                "/api/tables/investors/views/\(shared)/duplicate",
                json: #"{"name": null}"#
            )
            #expect(nameless.status == .created, "null is a name left out: \(nameless.body)")
            #expect(
                try await cyd.send(
                    .patch,
                    "/api/tables/investors/views/\(self.viewId(copy))",
                    json: #"{"scope": "shared"}"#
                ).value("scope")
                    == "shared",
                "a personal view can be made shared"
            )
            #expect(try await bob.send(.delete, "/api/tables/investors/views/\(personal)").status == .noContent)
            #expect(try await bob.send(.get, "/api/tables/investors/views/\(personal)").status == .notFound)
            #expect(
                try await bob.send(.get, "/api/tables/funds/views/\(shared)").status == .notFound,
                "a view belongs to its table"
            )
        }
    }

    @Test func badDefinitionsAreRefusedNamingWhatDoesNotFit() async throws {
        let app = try TestApp()
        try await app.createUser("bob@example.com")
        try await app.test { bob in
            try await bob.login("bob@example.com")
            let cases: [(String, String)] = [
                (
                    #"{"v": 1, "filter": {"conditions": [{"field": "nope", "operator": "is", "value": "x"}]}}"#,
                    "filter.conditions[0]"
                ),
                (
                    #"{"v": 1, "filter": {"conditions": [{"field": "name", "operator": "gt", "value": 3}]}}"#,
                    "filter.conditions[0]"
                ),
                (
                    #"{"v": 1, "filter": {"conditions": [{"field": "check_size_min", "operator": "eq", "value": "a lot"}]}}"#,
                    "filter.conditions[0]"
                ),
                (
                    #"{"v": 1, "filter": {"conditions": [{"field": "next_step_at", "operator": "is", "value": {"relative": "someday"}}]}}"#,
                    "filter.conditions[0]"
                ),
                (
                    #"{"v": 1, "filter": {"conditions": [{"conditions": [{"conditions": [{"conditions": []}]}]}]}}"#,
                    "filter"
                ),
                (#"{"v": 1, "sorts": [{"field": "nope"}]}"#, "sorts[0].field"),
                (#"{"v": 2}"#, "v"),
                (#"{"v": 1, "frozen": 99}"#, "frozen"),
                (#"{"v": 1, "fields": [{"key": "nope"}]}"#, "fields[0].key"),
            ]
            for (definition, path) in cases {
                let reply = try await bob.send(
                    .post,
                    "/api/tables/investors/views",
                    json: #"{"name": "Bad", "definition": \#(definition)}"#
                )
                #expect(
                    reply.status == .unprocessableContent && reply.error == "invalid_view",
                    "\(definition) → \(reply.body)"
                )
                #expect(reply.value("details", path) != nil, "\(definition) → \(reply.body)")
            }
            #expect(
                try await bob.send(.post, "/api/tables/investors/views", json: #"{"name": "", "definition": {"v": 1}}"#)
                    .status
                    == .unprocessableContent
            )
            #expect(
                try await bob.send(
                    .post,
                    "/api/tables/investors/views",
                    json: #"{"name": "x", "definition": {"v": 1, "sorts": "name"}}"#
                ).status
                    == .badRequest
            )
        }
        #expect(
            try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM views WHERE owner_id IS NOT NULL")
            } == 0
        )
    }

    @Test func recordsThroughAViewAdHocFilterSortSearchCountAndGroups() async throws {
        let app = try TestApp()
        try await app.createUser("bob@example.com")
        let store = RecordStore(database: app.database)
        for (name, stage, size) in [
            ("Acme", "intro", 1_000_000.0), ("100% Capital", "passed", 250_000),
            ("O'Brien; DROP TABLE views", "intro", 500_000),
            ("a_b Partners", "meeting", 0), ("Straße Fund", "meeting", 2_000_000),
        ] {
            _ = try await store.create(
                .investors,
                fields: ["name": .string(name), "stage": .string(stage), "check_size_min": .number(size)],
                by: nil
            )
        }
        try await app.test { bob in
            try await bob.login("bob@example.com")
            func names(_ query: String) async throws -> [String] {
                let reply = try await bob.send(.get, "/api/tables/investors/records?\(query)")
                guard case .array(let records)? = reply.value("records") else {
                    Issue.record("\(query) → \(reply.status) \(reply.body)")
                    return []
                }
                return records.compactMap {
                    if case .object(let r) = $0, case .object(let f)? = r["fields"], case .string(let n)? = f["name"] {
                        n
                    } else {
                        nil
                    }
                }
            }
            func encoded(_ text: String) -> String {
                text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            }

            #expect(
                try await names("sort=-check_size_min") == [
                    "Straße Fund", "Acme", "O'Brien; DROP TABLE views", "100% Capital", "a_b Partners",
                ]
            )
            #expect(try await names("search=%25") == ["100% Capital"], "% is literal")
            #expect(try await names("search=_") == ["a_b Partners"], "_ is literal")
            #expect(try await names("search=\(encoded("'"))") == ["O'Brien; DROP TABLE views"])
            #expect(try await names("search=STRASSE") == ["Straße Fund"], "Unicode case folding")
            // Browsers write a space in a query as +, and a plus sign as %2B.
            #expect(try await names("search=a_b+partners") == ["a_b Partners"])
            #expect(try await names("search=100%25+Capital") == ["100% Capital"])
            #expect(try await names("search=%2B") == [])
            let filter = encoded(
                #"{"conjunction": "or", "conditions": [{"field": "stage", "operator": "is", "value": "MEETING"}, {"field": "check_size_min", "operator": "gte", "value": 1000000}]}"#
            )
            #expect(try await names("filter=\(filter)&sort=name") == ["a_b Partners", "Acme", "Straße Fund"])
            // An empty value is a parameter left out, as a form with an empty field sends it.
            #expect(try await names("filter=&sort=name&search&cursor=") == (try await names("sort=name")))
            let twice = try await bob.send(.get, "/api/tables/investors/records?search=a&search=b")
            #expect(twice.status == .badRequest && twice.error == "repeated_parameter")
            #expect(try await bob.send(.get, "/api/activity?table=&type=").status == .ok)

            let views = try await bob.send(.get, "/api/tables/investors/views")
            #expect(
                views.body.contains("Pipeline by stage") && views.body.contains("Follow up this week")
                    && views.body.contains("Longshots")
            )
            let graveyard = try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT id FROM views WHERE name = 'Graveyard'")
            }!
            #expect(try await names("view=\(graveyard)") == ["100% Capital"])
            let first = try await bob.send(.get, "/api/tables/investors/records?sort=name&limit=2")
            // On a small table the total comes with the first page unless the machine is very busy.
            #expect(first.value("total") == 5 || first.value("total") == .null)
            #expect(try await bob.send(.get, "/api/tables/investors/records/count?sort=name").value("total") == 5)
            guard case .string(let cursor)? = first.value("next_cursor") else { return }
            let second = try await bob.send(.get, "/api/tables/investors/records?sort=name&limit=2&cursor=\(cursor)")
            #expect(
                second.value("total") == 5 && second.body.contains("O'Brien"),
                "the total is cached for the query and version"
            )
            #expect(
                try await bob.send(.get, "/api/tables/investors/records?sort=name&cursor=garbage").error
                    == "invalid_cursor"
            )
            #expect(try await bob.send(.get, "/api/tables/investors/records?filter=%7Bnope").error == "invalid_filter")
            #expect(try await bob.send(.get, "/api/tables/investors/records?sort=nope").error == "invalid_view")
            #expect(try await bob.send(.get, "/api/tables/investors/records?view=999").status == .notFound)

            #expect(try await bob.send(.get, "/api/tables/investors/records/count?search=a").value("total") == 5)
            #expect(try await bob.send(.get, "/api/tables/investors/records/count?search=capital").value("total") == 1)
            let pipeline = try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT id FROM views WHERE name = 'Pipeline by stage'")
            }!
            let groups = try await bob.send(.get, "/api/tables/investors/records/groups?view=\(pipeline)")
            #expect(groups.status == .ok, "\(groups.body)")
            guard case .array(let list)? = groups.value("groups") else { return }
            #expect(list.count == 2, "passed is filtered out; intro and meeting remain")
            #expect(
                list.first == [
                    "key": "intro", "count": 2,
                    "sums": ["check_size_min": 1_500_000, "check_size_max": .null, "emails_30d": 0, "emails_90d": 0],
                ]
            )
            let byStage = try await bob.send(.get, "/api/tables/investors/records/groups?group_by=-stage")
            #expect(byStage.body.contains(#""key":"passed""#))
            // Pages of a grouped view come group by group; an ad-hoc group_by replaces the view's.
            let grouped = try await bob.send(.get, "/api/tables/investors/records?view=\(pipeline)")
            let stages = grouped.body.components(separatedBy: #""stage":""#).dropFirst().map {
                $0.prefix(while: { $0 != "\"" })
            }
            #expect(
                stages == stages.sorted { ($0 == "intro" ? 0 : 1) < ($1 == "intro" ? 0 : 1) } && stages.count == 4,
                "\(stages)"
            )
            #expect(try await bob.send(.get, "/api/tables/investors/records?group_by=a,b,c,d").error == "invalid_view")
            #expect(try await bob.send(.get, "/api/tables/investors/records?group_by=-nope").error == "invalid_view")
        }
    }

    @Test func theGridStateCarriesTheViewsTheCallerCanSee() async throws {
        let app = try TestApp()
        try await app.createUser("bob@example.com")
        try await app.createUser("cyd@example.com")
        try await app.test { bob in
            try await bob.login("bob@example.com")
            let cyd = Client(client: bob.client)
            try await cyd.login("cyd@example.com")
            try await bob.send(.post, "/api/tables/funds/views", json: #"{"name": "Bob only"}"#)
            let mine = try await bob.send(.get, "/api/fundraising/state")
            let theirs = try await cyd.send(.get, "/api/fundraising/state")
            guard case .array(let views)? = mine.value("state", "views"),
                case .array(let others)? = theirs.value("state", "views")
            else {
                Issue.record("no views in the state: \(mine.body.prefix(300))")
                return
            }
            #expect(views.count == Migration008Views.seeds.count + 1 && others.count == Migration008Views.seeds.count)
            #expect(mine.body.contains("Bob only") && !theirs.body.contains("Bob only"))
        }
    }
}

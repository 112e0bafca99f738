import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

@Suite struct RecordsTests {
    func signedIn(_ app: TestApp, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await body(client)
        }
    }

    func globalVersion(_ app: TestApp) async throws -> Int {
        try await app.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT version FROM fundraising_state")! }
    }

    @Test func createReadAndListAnInvestorWithTypedValues() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            let created = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"""
                    {"fields": {"name": "Acme Family Office", "stage": "Soft Circle", "type": "family office",
                     "check_size_min": 250000.004, "website": "acme.example.com", "tags": ["warm", "Europe", "warm"],
                     "next_step_at": "2026-12-01", "last_contacted_at": "2026-11-20T09:30:00+01:00"}}
                    """#
            )
            #expect(created.status == .created, "\(created.body)")
            #expect(created.value("version") == 1)
            #expect(created.value("fields", "stage") == "soft_circle")
            #expect(created.value("fields", "type") == "family_office")
            #expect(created.value("fields", "check_size_min") == 250000)
            #expect(created.value("fields", "website") == "https://acme.example.com")
            #expect(created.value("fields", "tags") == ["warm", "Europe"])
            #expect(created.value("fields", "last_contacted_at") == "2026-11-20T08:30:00Z")
            #expect(created.value("fields", "notes") == .null)
            #expect(created.value("last_modified_by") == 1)
            guard case .number(let id)? = created.value("id") else { return }

            let fetched = try await client.send(.get, "/api/tables/investors/records/\(Int(id))")
            #expect(fetched.value("fields") == created.value("fields"))

            let list = try await client.send(.get, "/api/tables/investors/records")
            #expect(list.value("total") == 1)
            #expect(list.value("next_cursor") == .null)
        }
    }

    @Test func everyBadValueIsReportedPerFieldAndNothingChanges() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            let reply = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"""
                    {"fields": {"stage": "maybe", "check_size_max": -5, "next_step_at": "2026-02-30", "website": "not a url",
                     "owner_id": 999, "tags": [1], "name\"; DROP TABLE users; --": "x", "last_contacted_at": "yesterday"}}
                    """#
            )
            #expect(reply.status == .unprocessableContent)
            #expect(reply.error == "invalid_fields")
            for key in [
                "stage", "check_size_max", "next_step_at", "website", "owner_id", "tags", "last_contacted_at",
                #"name"; DROP TABLE users; --"#,
            ] {
                #expect(reply.value("details", key) != nil, "no problem reported for \(key)")
            }
            // The options are named as the grid shows them, and each of those names is accepted.
            #expect(
                reply.value("details", "stage")
                    == "Stage must be one of: Prospect, Intro, Meeting, Diligence, Soft circle, Committed, Closed, Passed."
            )
            let missingName = try await client.send(.post, "/api/tables/investors/records", json: #"{"fields": {}}"#)
            #expect(missingName.value("details", "name") == "Name is required.")
        }
        #expect(
            try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_investors")
            } == 0
        )
        #expect(try await self.globalVersion(app) == 0)
        #expect(try await app.database.pool.read { db in try User.fetchCount(db) } == 1)
    }

    @Test func patchBumpsTheVersionOnceAndAStaleVersionGets409WithTheCurrentRecord() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            let created = try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "Acme"}}"#
            )
            guard case .number(let id)? = created.value("id") else { return }
            let uri = "/api/tables/investors/records/\(Int(id))"

            let first = try await client.send(
                .patch,
                uri,
                json: #"{"expected_version": 1, "fields": {"stage": "meeting", "notes": "Met in Zurich"}}"#
            )
            #expect(first.status == .ok)
            #expect(first.value("version") == 2)

            let stale = try await client.send(
                .patch,
                uri,
                json: #"{"expected_version": 1, "fields": {"stage": "passed"}}"#
            )
            #expect(stale.status == .conflict)
            #expect(stale.error == "version_conflict")
            #expect(stale.value("details", "current", "version") == 2)
            #expect(stale.value("details", "current", "fields", "stage") == "meeting")

            let unchanged = try await client.send(.get, uri)
            #expect(unchanged.value("fields", "stage") == "meeting")
            #expect(unchanged.value("fields", "notes") == "Met in Zurich")

            let clearName = try await client.send(
                .patch,
                uri,
                json: #"{"expected_version": 2, "fields": {"name": null}}"#
            )
            #expect(clearName.status == .unprocessableContent)
        }
        #expect(try await self.globalVersion(app) == 2)
    }

    @Test func concurrentPatchesOfDifferentRecordsBothSucceed() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            var ids: [Int] = []
            for name in ["A", "B"] {
                if case .number(let id)? = try await client.send(
                    .post,
                    "/api/tables/investors/records",
                    json: #"{"fields": {"name": "\#(name)"}}"#
                ).value("id") {
                    ids.append(Int(id))
                }
            }
            let frozen = ids
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for id in frozen {
                    group.addTask {
                        try await client.send(
                            .patch,
                            "/api/tables/investors/records/\(id)",
                            json: #"{"expected_version": 1, "fields": {"stage": "intro"}}"#
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [.ok, .ok])
        }
        #expect(try await self.globalVersion(app) == 4)
    }

    @Test func aDeletedRecordLeavesEveryListAndComesBackWithItsHistory() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            let created = try await client.send(
                .post,
                "/api/tables/funds/records",
                json: #"{"fields": {"name": "Fund II", "target_size": 50000000}}"#
            )
            guard case .number(let id)? = created.value("id") else { return }
            let uri = "/api/tables/funds/records/\(Int(id))"
            try await client.send(.patch, uri, json: #"{"expected_version": 1, "fields": {"status": "closed"}}"#)

            #expect(try await client.send(.delete, uri).status == .noContent)
            #expect(try await client.send(.get, uri).status == .notFound)
            #expect(try await client.send(.get, "/api/tables/funds/records").value("total") == 0)
            #expect(try await client.send(.delete, uri).status == .notFound)
            #expect(
                try await client.send(.patch, uri, json: #"{"expected_version": 3, "fields": {}}"#).status == .notFound
            )

            let restored = try await client.send(.post, uri + "/restore")
            #expect(restored.status == .ok)
            #expect(restored.value("version") == 4)
            #expect(restored.value("fields", "status") == "closed")
            #expect(try await client.send(.get, "/api/tables/funds/records").value("total") == 1)

            let history = try await client.send(.get, uri + "/history")
            guard case .array(let entries)? = history.value("history") else { return }
            let actions = entries.compactMap {
                if case .object(let entry) = $0, case .string(let action)? = entry["action"] { action } else { nil }
            }
            #expect(actions == ["restore", "delete", "update", "create", "create"])
            #expect(history.body.contains(#""field":"status""#))
            #expect(history.body.contains(#""old":"raising""#))
        }
    }

    @Test func linksMustNameLiveRecords() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            guard
                case .number(let investor)? = try await client.send(
                    .post,
                    "/api/tables/investors/records",
                    json: #"{"fields": {"name": "Acme"}}"#
                ).value("id"),
                case .number(let fund)? = try await client.send(
                    .post,
                    "/api/tables/funds/records",
                    json: #"{"fields": {"name": "Fund I"}}"#
                ).value("id")
            else { return }
            let commitment = try await client.send(
                .post,
                "/api/tables/commitments/records",
                json:
                    #"{"fields": {"investor_id": \#(Int(investor)), "fund_id": \#(Int(fund)), "amount": 1000000, "status": "committed"}}"#
            )
            #expect(commitment.status == .created)
            #expect(commitment.value("fields", "amount") == 1_000_000)

            try await client.send(.delete, "/api/tables/investors/records/\(Int(investor))")
            let orphan = try await client.send(
                .post,
                "/api/tables/commitments/records",
                json: #"{"fields": {"investor_id": \#(Int(investor)), "fund_id": \#(Int(fund))}}"#
            )
            #expect(orphan.status == .unprocessableContent)
            #expect(orphan.value("details", "investor_id") != nil)
        }
    }

    @Test func hostileAddressesAndBodiesGetClear4xx() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            for uri in [
                "/api/tables/users/records", "/api/tables/investors%27%3B/records", "/api/tables/sqlite_master/records",
            ] {
                let reply = try await client.send(.get, uri)
                #expect(reply.status == .notFound, "\(uri)")
            }
            #expect(try await client.send(.get, "/api/tables/investors/records?limit=0").error == "invalid_limit")
            #expect(try await client.send(.get, "/api/tables/investors/records?limit=1001").error == "invalid_limit")
            #expect(try await client.send(.get, "/api/tables/investors/records?cursor=abc").error == "invalid_cursor")
            #expect(try await client.send(.get, "/api/tables/investors/records/0").status == .notFound)
            #expect(try await client.send(.get, "/api/tables/investors/records/-1").status == .notFound)

            let huge = #"{"fields": {"name": ""# + String(repeating: "x", count: 10 * 1024 * 1024) + #""}}"#
            let tooLarge = try await client.send(.post, "/api/tables/investors/records", json: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.error == "too_large")

            let deep =
                #"{"fields": {"name": "x", "notes": "# + String(repeating: "[", count: 10_000)
                + String(repeating: "]", count: 10_000) + "}}"
            let nested = try await client.send(.post, "/api/tables/investors/records", json: deep)
            #expect(nested.status.code >= 400 && nested.status.code < 500)

            for body in [#"{"fields": []}"#, #"{"fields": {"name": 12}}"#, #"{"fields": {"name": {"a": 1}}}"#, "null"] {
                let reply = try await client.send(.post, "/api/tables/investors/records", json: body)
                #expect(reply.status.code == 400 || reply.status.code == 422, "\(body): \(reply.status)")
            }
        }
        #expect(
            try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_investors")
            } == 0
        )
    }

    @Test func pagesFollowTheCursorWithoutRepeats() async throws {
        let app = try TestApp()
        try await self.signedIn(app) { client in
            for index in 0..<25 {
                try await client.send(
                    .post,
                    "/api/tables/contacts/records",
                    json: #"{"fields": {"name": "Person \#(index)"}}"#
                )
            }
            var seen: [JSONValue] = []
            var cursor: String? = nil
            repeat {
                let page = try await client.send(
                    .get,
                    "/api/tables/contacts/records?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                )
                guard case .array(let records)? = page.value("records") else { return }
                seen += records.compactMap { if case .object(let record) = $0 { record["id"] } else { nil } }
                cursor = if case .string(let next)? = page.value("next_cursor") { next } else { nil }
            } while cursor != nil
            #expect(seen.count == 25)
            #expect(Set(seen.map { JSONValue.encode($0) }).count == 25)
        }
    }
}

extension Client {
    /// Investors with these names, ids 1, 2, 3… in order.
    func seedInvestors(_ names: [String]) async throws {
        for name in names {
            try await self.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "\#(name)"}}"#)
        }
    }
}

@Suite struct BatchUpdateTests {
    @Test func aBatchSavesAllOrNothing() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.seedInvestors(["Acme", "Birch", "Cedar"])
            let before = try await client.send(.get, "/api/fundraising/state").value("version")
            let saved = try await client.send(
                .patch,
                "/api/tables/investors/records",
                json: """
                    {"updates": [{"id": 1, "expected_version": 1, "fields": {"location": "Zürich", "check_size_min": 5}},
                                 {"id": 2, "expected_version": 1, "fields": {"location": "Basel"}}]}
                    """
            )
            #expect(saved.status == .ok, "\(saved.body)")
            #expect(saved.body.contains(#""location":"Zürich""#) && saved.body.contains(#""location":"Basel""#))
            let after = try await client.send(.get, "/api/fundraising/state").value("version")
            guard case .number(let b)? = before, case .number(let a)? = after else {
                Issue.record("no versions")
                return
            }
            #expect(a == b + 1, "one version step for the whole batch")

            let stale = try await client.send(
                .patch,
                "/api/tables/investors/records",
                json: """
                    {"updates": [{"id": 3, "expected_version": 1, "fields": {"location": "Bern"}},
                                 {"id": 1, "expected_version": 1, "fields": {"location": "Lugano"}}]}
                    """
            )
            #expect(stale.status == .conflict)
            #expect(stale.body.contains(#""location":"Zürich""#), "the current record comes back")
            #expect(
                try await client.send(.get, "/api/tables/investors/records/3").value("fields", "location") == .null,
                "nothing saved"
            )

            let invalid = try await client.send(
                .patch,
                "/api/tables/investors/records",
                json: """
                    {"updates": [{"id": 3, "expected_version": 1, "fields": {"location": "Bern"}},
                                 {"id": 2, "expected_version": 2, "fields": {"check_size_min": "lots"}}]}
                    """
            )
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.value("details", "2.check_size_min") != nil)
            #expect(try await client.send(.get, "/api/tables/investors/records/3").value("fields", "location") == .null)

            let twice = try await client.send(
                .patch,
                "/api/tables/investors/records",
                json: """
                    {"updates": [{"id": 3, "expected_version": 1, "fields": {}}, {"id": 3, "expected_version": 1, "fields": {}}]}
                    """
            )
            #expect(twice.status == .unprocessableContent)
            #expect(
                try await client.send(.patch, "/api/tables/investors/records", json: #"{"updates": []}"#).error
                    == "invalid_batch"
            )
            #expect(
                try await client.send(
                    .patch,
                    "/api/tables/investors/records",
                    json: #"{"updates": [{"id": 99, "expected_version": 1, "fields": {}}]}"#
                ).status == .unprocessableContent
            )
            #expect(
                try await client.send(.patch, "/api/tables/investors/records", json: #"{"nope": 1}"#).status
                    == .badRequest
            )
        }
    }
}

@Suite struct ArchiveTests {
    @Test func archivedRecordsAreListedApartAndLeaveWhenRestored() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.seedInvestors(["Acme", "Birch", "Cedar"])
            try await client.send(.delete, "/api/tables/investors/records/1")
            try await client.send(.delete, "/api/tables/investors/records/3")
            let archive = try await client.send(.get, "/api/tables/investors/records/archived")
            #expect(archive.status == .ok)
            #expect(archive.body.contains("Cedar") && archive.body.contains("Acme") && !archive.body.contains("Birch"))
            #expect(archive.body.contains("\"deleted_at\""))
            #expect(
                try await client.send(.get, "/api/tables/investors/records").body.contains("\"deleted_at\"") == false
            )
            let page = try await client.send(.get, "/api/tables/investors/records/archived?limit=1")
            #expect(page.value("next_cursor") == "3")
            #expect(
                try await client.send(.get, "/api/tables/investors/records/archived?cursor=3").body.contains("Acme")
            )
            try await client.send(.post, "/api/tables/investors/records/1/restore")
            #expect(
                try await client.send(.get, "/api/tables/investors/records/archived").body.contains("Acme") == false
            )
            #expect(try await client.send(.get, "/api/tables/investors/records/archived?limit=0").status == .badRequest)
        }
    }
}

/// `?ids=`: the records a link column points at, for the grid to name them; archived ones left out.
@Suite struct RecordsByIdTests {
    @Test func idsGiveTheLiveRecordsAmongThemAndRefuseMalformedLists() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.seedInvestors(["Acme", "Birch", "Cedar"])
            try await client.send(.delete, "/api/tables/investors/records/2")
            let reply = try await client.send(.get, "/api/tables/investors/records?ids=3,2,1,99")
            #expect(reply.status == .ok)
            guard case .array(let records)? = reply.value("records") else {
                Issue.record("no records: \(reply.body)")
                return
            }
            let names = records.compactMap { record -> JSONValue? in
                guard case .object(let object) = record, case .object(let fields)? = object["fields"] else {
                    return nil
                }
                return fields["name"]
            }
            #expect(names == ["Acme", "Cedar"])
            let mixed = try await client.send(.get, "/api/tables/investors/records?ids=1,2&sort=-name")
            #expect(mixed.status == .badRequest && mixed.error == "invalid_ids", "a sort it would ignore")
            for bad in ["1,,2", "x", "-1", "1;DROP", String(repeating: "1,", count: 200) + "1"] {
                let refused = try await client.send(
                    .get,
                    "/api/tables/investors/records?ids=\(bad.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                )
                #expect(refused.status == .badRequest && refused.error == "invalid_ids", "ids=\(bad)")
            }
        }
    }
}

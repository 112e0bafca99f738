import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

@Suite struct GridStateTests {
    /// Inserts investors straight into the table (setup only: no history).
    func seedInvestors(_ app: TestApp, count: Int) async throws {
        try await app.database.pool.write { db in
            for index in 0..<count {
                try db.execute(
                    sql: "INSERT INTO fundraising_investors (name) VALUES (?)",
                    arguments: ["Investor \(index)"]
                )
            }
        }
    }

    func count(_ app: TestApp, _ sql: String) async throws -> Int {
        try await app.database.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func aPutChangingAThousandRowsBumpsTheVersionOnceAndWritesOneHistoryRowPerField() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await self.seedInvestors(app, count: 1000)
        try await app.test { client in
            try await client.login("ada@example.com")
            let state = try await client.send(.get, "/api/fundraising/state")
            #expect(state.status == .ok)
            #expect(state.value("version") == 0)
            guard case .array(let records)? = state.value("state", "tables", "investors", "records") else {
                Issue.record("no investors in the state")
                return
            }
            #expect(records.count == 1000)
            #expect(state.value("state", "tables", "funds", "records") == [])
            guard case .array(let fields)? = state.value("state", "tables", "investors", "fields") else { return }
            #expect(fields.count == 23, "14 fields, 8 relationship signals and the entered last-contact date")

            let rows = records.compactMap { record -> String? in
                guard case .object(let object) = record, case .number(let id)? = object["id"] else { return nil }
                return #"{"id": \#(Int(id)), "fields": {"stage": "meeting", "name": "Investor \#(Int(id) - 1)"}}"#
            }
            let put = try await client.send(
                .put,
                "/api/fundraising/state",
                json:
                    #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [\#(rows.joined(separator: ","))]}}}}"#
            )
            #expect(put.status == .ok, "\(put.body.prefix(300))")
            #expect(put.value("version") == 1)
            #expect(put.value("updated_by") == 1)

            let stale = try await client.send(
                .put,
                "/api/fundraising/state",
                json: #"{"expected_version": 0, "state": {"tables": {"investors": {"records": []}}}}"#
            )
            #expect(stale.status == .conflict)
            #expect(stale.error == "version_conflict")
            #expect(stale.value("current_version") == 1)
            #expect(stale.value("updated_by") == 1)
            #expect(stale.value("updated_at") != nil)
        }
        #expect(try await self.count(app, "SELECT version FROM fundraising_state") == 1)
        #expect(try await self.count(app, "SELECT count(*) FROM record_history") == 1000)
        #expect(
            try await self.count(
                app,
                "SELECT count(*) FROM record_history WHERE field_key = 'stage' AND old_value = '\"prospect\"'"
            ) == 1000
        )
        #expect(try await self.count(app, "SELECT count(*) FROM fundraising_investors WHERE version = 2") == 1000)
        #expect(
            try await self.count(app, "SELECT count(*) FROM fundraising_investors WHERE deleted_at IS NULL") == 1000
        )
    }

    @Test func theStateAndTheExportsStreamEveryRecordAcrossPages() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        let total = RecordPages.size * 2 + 7
        try await self.seedInvestors(app, count: total)
        try await app.database.pool.write { db in
            try db.execute(sql: "UPDATE fundraising_investors SET deleted_at = '2026-01-01 00:00:00' WHERE id = 3")
        }
        try await app.test { client in
            try await client.login("ada@example.com")
            for uri in ["/api/fundraising/state", "/api/fundraising/export", "/api/fundraising/export?table=investors"]
            {
                let reply = try await client.send(.get, uri)
                let path =
                    uri.hasSuffix("state")
                    ? ["state", "tables", "investors", "records"] : ["tables", "investors", "records"]
                guard case .array(let records)? = reply.value(path) else {
                    Issue.record("\(uri): \(reply.status) \(reply.body.prefix(200))")
                    continue
                }
                let ids = records.compactMap { record -> Int64? in
                    if case .object(let object) = record, case .number(let id)? = object["id"] {
                        Int64(id)
                    } else {
                        nil
                    }
                }
                #expect(ids == (1...Int64(total)).filter { $0 != 3 }, "\(uri): every live record once, in id order")
            }
            let csv = try await client.send(.get, "/api/fundraising/export?format=csv&table=investors")
            let lines = csv.body.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == total, "a header and every live record: \(lines.count)")
            #expect(lines.last == "Investor \(total - 1)" || lines.last?.hasPrefix("Investor \(total - 1),") == true)
        }
    }

    @Test func aPutCreatesArchivesAndLeavesUnnamedTablesAlone() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await self.seedInvestors(app, count: 3)
        try await app.database.pool.write { db in
            try db.execute(sql: "INSERT INTO fundraising_funds (name) VALUES ('Fund I')")
        }
        try await app.test { client in
            try await client.login("ada@example.com")
            let put = try await client.send(
                .put,
                "/api/fundraising/state",
                json:
                    #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [{"id": 1, "fields": {}}, {"fields": {"name": "New LP", "stage": "intro"}}]}}}}"#
            )
            #expect(put.status == .ok)
            #expect(put.value("version") == 1)
            let investors = try await client.send(.get, "/api/tables/investors/records")
            #expect(investors.value("total") == 2)
            #expect(investors.body.contains("New LP"))
            #expect(try await client.send(.get, "/api/tables/funds/records").value("total") == 1)
            #expect(try await client.send(.post, "/api/tables/investors/records/2/restore").status == .ok)
        }
        #expect(try await self.count(app, "SELECT count(*) FROM record_history WHERE action = 'delete'") == 2)
    }

    /// A 64 MiB PUT from any member could archive every record in one call.
    @Test func aMembersPutMayArchiveAHandfulAnAdminsAny() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.createUser("root@example.com", role: .admin)
        try await self.seedInvestors(app, count: 30)
        let empty = #"{"expected_version": 0, "state": {"tables": {"investors": {"records": []}}}}"#
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let refused = try await ada.send(.put, "/api/fundraising/state", json: empty)
            #expect(
                refused.status == .forbidden && refused.error == "archive_needs_admin"
                    && refused.value("details", "archived") == 30
            )
            #expect(
                try await self.count(app, "SELECT count(*) FROM fundraising_investors WHERE deleted_at IS NULL") == 30
            )

            let keepTwenty = (1...20).map { #"{"id": \#($0), "fields": {}}"# }.joined(separator: ",")
            let few = try await ada.send(
                .put,
                "/api/fundraising/state",
                json: #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [\#(keepTwenty)]}}}}"#
            )
            #expect(few.status == .ok, "ten archived is within a member's reach")

            let root = Client(client: ada.client)
            try await root.login("root@example.com")
            #expect(
                try await root.send(
                    .put,
                    "/api/fundraising/state",
                    json: #"{"expected_version": 1, "state": {"tables": {"investors": {"records": []}}}}"#
                ).status == .ok
            )
        }
        #expect(try await self.count(app, "SELECT count(*) FROM fundraising_investors WHERE deleted_at IS NULL") == 0)
    }

    @Test func aPutWithOneBadValueChangesNothing() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await self.seedInvestors(app, count: 3)
        try await app.test { client in
            try await client.login("ada@example.com")
            let put = try await client.send(
                .put,
                "/api/fundraising/state",
                json:
                    #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [{"id": 1, "fields": {"stage": "meeting"}}, {"id": 2, "fields": {}}, {"id": 3, "fields": {"stage": "bogus"}}, {"fields": {"name": "X"}}]}}}}"#
            )
            #expect(put.status == .unprocessableContent)
            #expect(put.value("details", "investors/3/stage") != nil)
            for body in [
                #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [{"id": 1, "fields": {}}, {"id": 1, "fields": {}}]}}}}"#,
                #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [{"id": 99, "fields": {}}]}}}}"#,
                #"{"expected_version": 0, "state": {"tables": {"users": {"records": []}}}}"#,
            ] {
                #expect(
                    try await client.send(.put, "/api/fundraising/state", json: body).status == .unprocessableContent
                )
            }
        }
        #expect(try await self.count(app, "SELECT version FROM fundraising_state") == 0)
        #expect(try await self.count(app, "SELECT count(*) FROM record_history") == 0)
        #expect(
            try await self.count(
                app,
                "SELECT count(*) FROM fundraising_investors WHERE stage = 'prospect' AND deleted_at IS NULL"
            ) == 3
        )
    }

    @Test func recordEditsMoveTheGlobalVersionSoAStaleStateCannotOverwriteThem() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await self.seedInvestors(app, count: 1)
        try await app.test { client in
            try await client.login("ada@example.com")
            #expect(try await client.send(.get, "/api/fundraising/state").value("version") == 0)
            try await client.send(
                .patch,
                "/api/tables/investors/records/1",
                json: #"{"expected_version": 1, "fields": {"stage": "intro"}}"#
            )
            let put = try await client.send(
                .put,
                "/api/fundraising/state",
                json:
                    #"{"expected_version": 0, "state": {"tables": {"investors": {"records": [{"id": 1, "fields": {"stage": "passed"}}]}}}}"#
            )
            #expect(put.status == .conflict)
            #expect(try await client.send(.get, "/api/tables/investors/records/1").value("fields", "stage") == "intro")
        }
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SharedTesting
import Testing

@testable import Shared
@testable import crm_api

@Suite struct ImportAPITests {
    static let boundary = "----crm-test-boundary-7MA4YWxkTrZu0gW"

    /// A multipart/form-data body as a browser sends it.
    static func form(
        _ fields: [(String, String)],
        file: [UInt8]?,
        fileName: String = "Investors-Grid view.csv"
    ) -> ByteBuffer {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8
            )
        }
        if let file {
            body += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n"
                    .utf8
            )
            body += file + Array("\r\n".utf8)
        }
        body += Array("--\(Self.boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    func upload(
        _ client: Client,
        _ fields: [(String, String)],
        file: [UInt8]?,
        fileName: String = "Investors-Grid view.csv",
        body: ByteBuffer? = nil
    ) async throws -> Client.Reply {
        var headers: HTTPFields = [
            .contentType: "multipart/form-data; boundary=\(Self.boundary)", .origin: TestApp.origin,
        ]
        if let cookie = client.cookie { headers[.cookie] = "\(SessionStore.cookieName)=\(cookie)" }
        return try await client.client.execute(
            uri: "/api/import/csv",
            method: .post,
            headers: headers,
            body: body ?? Self.form(fields, file: file, fileName: fileName)
        ) { response in
            Client.Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static let csv = Array("\u{FEFF}Name,Stage,Check size min\r\nAcme,intro,\"$1,000\"\r\nBirch,meeting,\r\n".utf8)

    @Test func aDryRunThenACommitThenTheRunIsListed() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let plan = try await self.upload(client, [("table", "investors"), ("dry_run", "true")], file: Self.csv)
            #expect(plan.status == .ok && plan.value("dry_run") == true && plan.value("created") == 2, "\(plan.body)")
            #expect(
                plan.value("time_zone") == "UTC" && plan.value("file", "records") == 2 && plan.value("key") == ["Name"]
            )
            guard case .array(let rows)? = plan.value("rows"), case .object(let first)? = rows.first else {
                Issue.record("no rows: \(plan.body)")
                return
            }
            #expect(first["line"] == 2 && first["action"] == "create")
            #expect(try await client.send(.get, "/api/tables/investors/records").value("total") == 0)

            let commit = try await self.upload(client, [("table", "investors")], file: Self.csv)
            #expect(commit.status == .ok && commit.value("dry_run") == false && commit.value("created") == 2)
            let records = try await client.send(.get, "/api/tables/investors/records")
            #expect(records.value("total") == 2 && records.body.contains("\"check_size_min\":1000"))

            let again = try await self.upload(client, [("table", "investors")], file: Self.csv)
            #expect(again.value("created") == 0 && again.value("unchanged") == 2)

            let runs = try await client.send(.get, "/api/import/runs")
            guard case .array(let list)? = runs.value("import_runs"), case .object(let newest)? = list.first else {
                Issue.record("no runs: \(runs.body)")
                return
            }
            #expect(
                list.count == 2 && newest["file_name"] == "Investors-Grid view.csv"
                    && newest["created_by_name"] == "ada@example.com"
            )
            #expect(newest["unchanged"] == 2 && newest["table"] == "investors")
            let feed = try await client.send(.get, "/api/activity?type=import")
            #expect(feed.status == .ok && feed.body.contains("Investors-Grid view.csv"), "\(feed.body)")
        }
    }

    @Test func aPlanWithErrorsIs422WithThePlanAndWritesNothing() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let file = Array("Name,Stage\nAcme,intro\n,meeting\nBirch,warm\n".utf8)
            let refused = try await self.upload(client, [("table", "investors")], file: file)
            #expect(refused.status == .unprocessableContent && refused.error == "import_has_errors")
            #expect(refused.value("error_count") == 2 && refused.value("created") == 1, "\(refused.body)")
            guard case .array(let errors)? = refused.value("errors") else { return }
            #expect(errors.count == 2 && refused.body.contains("\"line\":3") && refused.body.contains("\"line\":4"))
            #expect(try await client.send(.get, "/api/tables/investors/records").value("total") == 0)

            let skipped = try await self.upload(
                client,
                [("table", "investors"), ("skip_invalid_rows", "true")],
                file: file
            )
            #expect(skipped.status == .ok && skipped.value("created") == 1 && skipped.value("skipped") == 2)
        }
    }

    @Test func optionsTravelAsFormFields() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let file = Array("Company,When,Sector\nAcme,3/4/2024,AI\nBirch,5/6/2024,AI\n".utf8)
            let reply = try await self.upload(
                client,
                [
                    ("table", "investors"), ("mapping", #"{"Company": "name", "When": "next_step_at"}"#),
                    ("date_orders", #"{"When": "day_first"}"#), ("create_fields", "true"), ("key", #"["Company"]"#),
                    ("time_zone", "Europe/Zurich"),
                ],
                file: file
            )
            #expect(
                reply.status == .ok && reply.value("created") == 2 && reply.value("time_zone") == "Europe/Zurich",
                "\(reply.body)"
            )
            #expect(reply.body.contains("\"header\":\"Sector\"") && reply.body.contains("\"new_fields\":[{"))
            let records = try await client.send(.get, "/api/tables/investors/records")
            #expect(
                records.body.contains("\"next_step_at\":\"2024-04-03\"") && records.body.contains("\"sector\":\"AI\"")
            )
        }
    }

    @Test func badRequestsAreClearAndChangeNothing() async throws {
        let app = try TestApp(environment: ["CRM_IMPORT_MAX_MB": "1"])
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            let cases: [([(String, String)], [UInt8]?, HTTPResponse.Status, String)] = [
                ([("table", "investors")], nil, .unprocessableContent, "invalid_import"),
                ([("table", "deals")], Self.csv, .unprocessableContent, "invalid_import"),
                (
                    [("table", "investors"), ("mapping", "{not json")], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                (
                    [("table", "investors"), ("mapping", #"{"Name": 5}"#)], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                (
                    [("table", "investors"), ("mapping", #"{"Name": "ghost"}"#)], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                ([("table", "investors"), ("key", "Nope")], Self.csv, .unprocessableContent, "invalid_import"),
                ([("table", "investors"), ("dry_run", "maybe")], Self.csv, .unprocessableContent, "invalid_import"),
                (
                    [("table", "investors"), ("time_zone", "Mars/Olympus")], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                (
                    [("table", "investors"), ("date_orders", #"{"x": "sideways"}"#)], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                (
                    [("table", "investors"), ("preview_rows", "100000")], Self.csv, .unprocessableContent,
                    "invalid_import"
                ),
                ([("table", "investors"), ("sql", "DROP TABLE users")], Self.csv, .badRequest, "invalid_upload"),
                ([("table", "investors")], [], .unprocessableContent, "invalid_file"),
                (
                    [("table", "investors")], Array(repeating: 0x41, count: 1024 * 1024 + 1), .contentTooLarge,
                    "too_large"
                ),
            ]
            for (fields, file, status, code) in cases {
                let reply = try await self.upload(client, fields, file: file)
                #expect(reply.status == status && reply.error == code, "\(fields) → \(reply.status) \(reply.body)")
                #expect(reply.value("message") != nil)
            }
            let truncated = Self.form([("table", "investors")], file: Self.csv).getSlice(at: 0, length: 120)!
            let cut = try await self.upload(client, [], file: nil, body: truncated)
            #expect(cut.status == .badRequest && cut.error == "malformed_multipart", "\(cut.body)")
            let json = try await client.send(.post, "/api/import/csv", json: #"{"table": "investors"}"#)
            #expect(json.status == .unsupportedMediaType)

            let latin1 = try await self.upload(
                client,
                [("table", "investors")],
                file: Array("Name\nZ".utf8) + [0xFC, 0x72, 0x69, 0x63, 0x68, 0x0A]
            )
            #expect(
                latin1.status == .unprocessableContent && latin1.body.contains("not UTF-8 text (byte 6)"),
                "\(latin1.body)"
            )

            let traversal = try await self.upload(
                client,
                [("table", "investors"), ("dry_run", "true")],
                file: Self.csv,
                fileName: "../../etc/passwd"
            )
            #expect(traversal.value("file", "name") == "passwd")

            #expect(try await client.send(.get, "/api/tables/investors/records").value("total") == 0)
            #expect(try await client.send(.get, "/api/tables/investors/fields").body.contains("\"sector\"") == false)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: app.directory.path + "/tmp")
            #expect(leftovers.isEmpty, "uploads are removed: \(leftovers)")
        }
    }

    @Test func aLargeFileRunsAsAJobItsStarterOrAnAdminFollows() async throws {
        let app = try TestApp(environment: ["CRM_IMPORT_SYNC_MB": "1"])
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.createUser("root@example.com", role: .admin)
        var text = "Name,Stage,Notes\n"
        for index in 0..<14_000 {
            text += "Investor \(index),intro,\"A note long enough to make this file larger than a megabyte\"\n"
        }
        let csv = text
        let file = Array(csv.utf8)
        #expect(file.count > 1024 * 1024)
        try await app.test { client in
            try await client.login("ada@example.com")
            let started = try await self.upload(client, [("table", "investors")], file: file)
            #expect(started.status == .accepted && started.value("status") == "running", "\(started.body)")
            guard case .string(let id)? = started.value("job_id") else { return }
            #expect(started.headers[.location] == "/api/import/jobs/\(id)")
            let finished = try await self.waitForJob(client, id)
            #expect(
                finished.value("status") == "succeeded" && finished.value("plan", "created") == 14_000,
                "\(finished.body.prefix(500))"
            )
            #expect(finished.value("progress", "total_bytes") == .number(Double(file.count)))
            #expect(try await client.send(.get, "/api/tables/investors/records?limit=1").value("total") == 14_000)

            let bob = Client(client: client.client)
            try await bob.login("bob@example.com")
            #expect(try await bob.send(.get, "/api/import/jobs/\(id)").status == .notFound)
            let root = Client(client: client.client)
            try await root.login("root@example.com")
            #expect(try await root.send(.get, "/api/import/jobs/\(id)").value("status") == "succeeded")
            #expect(try await client.send(.get, "/api/import/jobs/not-a-job").status == .notFound)

            let broken = Array((csv + ",intro,blank name\n").utf8)
            let failing = try await self.upload(client, [("table", "investors")], file: broken)
            guard case .string(let failingId)? = failing.value("job_id") else { return }
            let failed = try await self.waitForJob(client, failingId)
            #expect(failed.value("status") == "failed" && failed.value("error", "error") == "import_has_errors")
            #expect(failed.value("error", "error_count") == 1 && failed.value("error", "unchanged") == 14_000)
        }
    }

    /// Polls a job until it is no longer running (each poll yields; no timing is asserted).
    func waitForJob(_ client: Client, _ id: String) async throws -> Client.Reply {
        for _ in 0..<6000 {
            let reply = try await client.send(.get, "/api/import/jobs/\(id)")
            if reply.value("status") != "running" { return reply }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the import job never finished")
        return try await client.send(.get, "/api/import/jobs/\(id)")
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Testing

@testable import Shared
@testable import crm_api

@Suite struct ActivitySettingsRequestsTests {
    @Test func theFeedIsNewestFirstFilterableAndPagedAndHidesArchivedRecords() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { ada in
            try await ada.login("ada@example.com")
            try await ada.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "Acme"}}"#)
            try await ada.send(.post, "/api/tables/funds/records", json: #"{"fields": {"name": "Fund I"}}"#)
            let bob = Client(client: ada.client)
            try await bob.login("bob@example.com")
            try await bob.send(
                .patch,
                "/api/tables/investors/records/1",
                json: #"{"expected_version": 1, "fields": {"stage": "intro"}}"#
            )

            let feed = try await ada.send(.get, "/api/activity")
            #expect(feed.status == .ok)
            guard case .array(let entries)? = feed.value("activity"), case .object(let newest)? = entries.first else {
                return
            }
            #expect(entries.count == 3)
            #expect(newest["field"] == "stage")
            #expect(newest["old"] == "prospect")
            #expect(newest["user_id"] == 2)
            #expect(newest["type"] == "audit")

            #expect(
                try await ada.send(.get, "/api/activity?user_id=2").body.components(separatedBy: #""type":"audit""#)
                    .count == 2
            )
            #expect(try await ada.send(.get, "/api/activity?table=funds").body.contains("Fund I"))
            #expect(!(try await ada.send(.get, "/api/activity?table=funds").body.contains("Acme")))
            let backupsOnly = try await ada.send(.get, "/api/activity?type=backup")
            #expect(backupsOnly.value("activity") == [], "\(backupsOnly.body)")

            let first = try await ada.send(.get, "/api/activity?limit=2")
            guard case .string(let cursor)? = first.value("next_cursor") else {
                Issue.record("no cursor")
                return
            }
            let rest = try await ada.send(.get, "/api/activity?limit=2&cursor=\(cursor)")
            guard case .array(let more)? = rest.value("activity") else { return }
            #expect(more.count == 1)
            #expect(rest.value("next_cursor") == .null)

            try await ada.send(.delete, "/api/tables/investors/records/1")
            guard case .array(let afterDelete)? = try await ada.send(.get, "/api/activity").value("activity") else {
                return
            }
            #expect(afterDelete.count == 1, "an archived record's trail leaves the feed")
            try await ada.send(.post, "/api/tables/investors/records/1/restore")
            guard case .array(let afterRestore)? = try await ada.send(.get, "/api/activity").value("activity") else {
                return
            }
            #expect(afterRestore.count == 5)

            for bad in [
                "type=everything", "table=users", "record_id=-3", "user_id=x", "cursor=0", "cursor=bm9wZQ",
                "limit=5000",
            ] {
                #expect(try await ada.send(.get, "/api/activity?\(bad)").status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func backupsTakenAndPrunedJoinTheFeedInTimeOrderAcrossPages() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.test { admin in
            try await admin.login("root@example.com")
            try await admin.send(.post, "/api/tables/investors/records", json: #"{"fields": {"name": "Acme"}}"#)
            try await app.database.pool.write { db in
                let job = try BackupJob.enqueue(.manual, by: 1, at: Date(), db)
                for (index, deleted) in [(1, true), (2, false)] {
                    try db.execute(
                        sql: """
                            INSERT INTO backups (file_name, kind, size_bytes, sha256, schema_version, job_id, created_at, deleted_at)
                            VALUES (?, 'manual', 4096, ?, '005-backups', ?, ?, ?)
                            """,
                        arguments: [
                            "crm-2026010\(index)T023000Z-manual.sqlite", String(repeating: "a", count: 64), job,
                            "2099-01-0\(index) 02:30:00.000", deleted ? "2099-01-05 02:30:00.000" : nil,
                        ]
                    )
                }
            }
            let feed = try await admin.send(.get, "/api/activity")
            guard case .array(let entries)? = feed.value("activity") else { return }
            let actions = entries.compactMap { entry -> String? in
                if case .object(let object) = entry, case .string(let action)? = object["action"] {
                    action
                } else {
                    nil
                }
            }
            #expect(actions == ["backup_pruned", "backup_manual", "backup_manual", "create"])
            #expect(feed.body.contains("crm-20260102T023000Z-manual.sqlite"))

            let onlyBackups = try await admin.send(.get, "/api/activity?type=backup")
            #expect(!onlyBackups.body.contains(#""action":"create""#))
            let onlyRecords = try await admin.send(.get, "/api/activity?table=investors")
            #expect(!onlyRecords.body.contains("backup"))

            var walked: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await admin.send(.get, "/api/activity?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                guard case .array(let one)? = page.value("activity"), case .object(let entry)? = one.first,
                    case .string(let id)? = entry["id"], case .string(let action)? = entry["action"]
                else { break }
                walked.append("\(id) \(action)")
                // The cursor goes into an address as it is: URL-safe, nothing to escape.
                cursor = if case .string(let next)? = page.value("next_cursor") { next } else { nil }
                #expect(
                    cursor?.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ?? true,
                    "\(cursor ?? "")"
                )
            } while cursor != nil
            #expect(walked.count == 4)
            #expect(Set(walked).count == 4)
            #expect(walked.map { String($0.split(separator: " ")[1]) } == actions)
        }
    }

    @Test func settingsHaveDefaultsAndOnlyAdminsChangeThemAllOrNothing() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            let defaults = try await admin.send(.get, "/api/settings")
            #expect(defaults.value("settings", "time_zone") == "UTC")
            #expect(defaults.value("settings", "digest_time") == "07:00")

            let changed = try await admin.send(
                .patch,
                "/api/settings",
                json: #"{"time_zone": "Europe/Zurich", "digest_time": "18:30"}"#
            )
            #expect(changed.status == .ok)
            #expect(changed.value("settings", "time_zone") == "Europe/Zurich")

            let bad = try await admin.send(
                .patch,
                "/api/settings",
                json:
                    #"{"digest_time": "08:00", "time_zone": "Mars/Olympus", "colour": "blue", "gmail_sync_window_days": 0}"#
            )
            #expect(bad.status == .unprocessableContent)
            #expect(bad.value("details", "time_zone") != nil && bad.value("details", "colour") != nil)
            #expect(bad.value("details", "gmail_sync_window_days") != nil)
            #expect(try await admin.send(.get, "/api/settings").value("settings", "digest_time") == "18:30")

            let member = Client(client: admin.client)
            try await member.login("ada@example.com")
            #expect(try await member.send(.get, "/api/settings").status == .ok)
            #expect(
                try await member.send(.patch, "/api/settings", json: #"{"digest_time": "09:00"}"#).status == .forbidden
            )
        }
    }

    @Test func featureRequestsAreFiledByAnyoneAndTriagedByAdmins() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.createUser("bob@example.com")
        try await app.test { admin in
            try await admin.login("root@example.com")
            let ada = Client(client: admin.client)
            try await ada.login("ada@example.com")
            let filed = try await ada.send(
                .post,
                "/api/feature-requests",
                json: #"{"title": "Kanban by stage", "body": "Like Airtable's"}"#
            )
            #expect(filed.status == .created)
            #expect(filed.value("status") == "open")
            #expect(
                try await ada.send(.patch, "/api/feature-requests/1", json: #"{"status": "done"}"#).status == .forbidden
            )
            #expect(
                try await ada.send(.patch, "/api/feature-requests/1", json: #"{"body": "Grouped by stage"}"#).status
                    == .ok
            )

            let bob = Client(client: admin.client)
            try await bob.login("bob@example.com")
            #expect(
                try await bob.send(.patch, "/api/feature-requests/1", json: #"{"title": "Mine now"}"#).status
                    == .forbidden
            )

            let triaged = try await admin.send(.patch, "/api/feature-requests/1", json: #"{"status": "planned"}"#)
            #expect(triaged.value("status") == "planned")
            #expect(
                try await admin.send(.patch, "/api/feature-requests/1", json: #"{"status": "someday"}"#).status
                    == .unprocessableContent
            )
            #expect(
                try await ada.send(.post, "/api/feature-requests", json: #"{"title": ""}"#).status
                    == .unprocessableContent
            )
            #expect(try await ada.send(.patch, "/api/feature-requests/99", json: #"{"body": "x"}"#).status == .notFound)
            let list = try await bob.send(.get, "/api/feature-requests")
            #expect(list.body.contains("Kanban by stage") && list.body.contains(#""status":"planned""#))
        }
    }
}

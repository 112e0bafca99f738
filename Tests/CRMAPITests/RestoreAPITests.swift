import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import SharedTesting
import Testing

@testable import Shared
@testable import crm_api

@Suite struct RestoreAPITests {
    /// Copies the live database into the backups folder and catalogues it, as crm-backup would.
    func catalogueBackup(_ app: TestApp, verified: Bool? = true) async throws -> Int64 {
        let directory = try BackupFiles.directory(dataDir: app.directory.path)
        let name = "crm-20261124T000000Z-\(UUID().uuidString.prefix(8).lowercased())-manual.sqlite"
        let copy = try DatabaseQueue(path: directory + "/" + name)
        try app.database.pool.backup(to: copy)
        try copy.close()
        return try await app.database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO backups (file_name, kind, size_bytes, sha256, schema_version, verify_ok, created_at, updated_at)
                    VALUES (?, 'manual', 4096, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    name, String(repeating: "0", count: 64), Migrations.identifiers.last!, verified, Date(), Date(),
                ]
            )
            return db.lastInsertedRowID
        }
    }

    @Test func thePreviewNamesWhatWouldDisappearAndAppear() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com", role: .admin)
        let store = RecordStore(database: app.database)
        let acme = try await store.create(.investors, fields: ["name": "Acme"], by: nil)
        _ = try await store.create(.investors, fields: ["name": "Beta"], by: nil)
        let backupId = try await self.catalogueBackup(app)
        _ = try await store.create(.investors, fields: ["name": "Zeta Capital"], by: nil)
        try await store.delete(.investors, id: acme.id, by: nil)

        try await app.test { ada in
            try await ada.login("ada@example.com")
            let preview = try await ada.send(
                .post,
                "/api/fundraising/restore-preview",
                json: #"{"backup_id": \#(backupId)}"#
            )
            #expect(preview.status == .ok, "\(preview.body)")
            guard case .array(let tables)? = preview.value("tables"), case .object(let investors)? = tables.first else {
                return
            }
            #expect(investors["table"] == "investors")
            #expect(investors["live_count"] == 2 && investors["backup_count"] == 2)
            #expect(investors["disappearing"] == 1 && investors["appearing"] == 1)
            #expect(investors["disappearing_sample"] == [["id": 3, "name": "Zeta Capital"]])
            #expect(investors["appearing_sample"] == [["id": 1, "name": "Acme"]])
            #expect(preview.value("backup", "id") == .number(Double(backupId)))
        }
    }

    @Test func aRestoreNeedsConfirmationAVerifiedBackupAndOneAtATime() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com", role: .admin)
        let good = try await self.catalogueBackup(app)
        let bad = try await self.catalogueBackup(app, verified: false)
        try await app.test { ada in
            try await ada.login("ada@example.com")
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"backup_id": \#(good)}"#, .unprocessableContent, "confirmation_required"),
                (#"{"backup_id": \#(good), "confirm": false}"#, .unprocessableContent, "confirmation_required"),
                (#"{"backup_id": 999, "confirm": true}"#, .notFound, "not_found"),
                (#"{"backup_id": "../../etc/passwd", "confirm": true}"#, .badRequest, "malformed_json"),
                (#"{"backup_id": \#(bad), "confirm": true}"#, .conflict, "backup_failed_verification"),
            ]
            for (body, status, error) in cases {
                let reply = try await ada.send(.post, "/api/fundraising/restore", json: body)
                #expect(reply.status == status && reply.error == error, "\(body) → \(reply.status) \(reply.body)")
            }
            let queued = try await ada.send(
                .post,
                "/api/fundraising/restore",
                json: #"{"backup_id": \#(good), "confirm": true}"#
            )
            #expect(
                queued.status == .accepted && queued.value("kind") == "restore"
                    && queued.value("restore_from") == .number(Double(good))
            )
            let again = try await ada.send(
                .post,
                "/api/fundraising/restore",
                json: #"{"backup_id": \#(good), "confirm": true}"#
            )
            #expect(again.status == .conflict && again.error == "restore_in_progress")

            try FileManager.default.removeItem(atPath: app.directory.path + "/backups")
            let missing = try await ada.send(
                .post,
                "/api/fundraising/restore-preview",
                json: #"{"backup_id": \#(good)}"#
            )
            #expect(missing.status == .conflict && missing.error == "backup_missing")
        }
    }
}

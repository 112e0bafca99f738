import ArgumentParser
import Foundation
import GRDB
import Google
import Shared

/// `crm-scheduler google-doctor`: checks the key, the clock, a token per mailbox and scope, and
/// Gmail access, and prints each result as a sentence; exits 1 when something needs fixing.
struct GoogleDoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "google-doctor",
        abstract: "Check that Gmail sync can work: key, clock, delegation, Gmail access."
    )

    @Option(
        name: .customLong("mailbox"),
        help: "A Workspace address to check (repeatable; default: every mailbox an admin turned sync on for)."
    )
    var mailboxes: [String] = []

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let config: GoogleConfig
        var mailboxes = self.mailboxes
        do {
            config = try GoogleConfig(environment: ProcessInfo.processInfo.environment)
            if mailboxes.isEmpty { mailboxes = try await Self.synced() }
        } catch {
            throw StartupFailure.exit(error, command: "crm-scheduler google-doctor")
        }
        let report = await GoogleDoctor(config: config).run(mailboxes: mailboxes)
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for check in report.checks { print("\(check.ok ? "ok  " : "FIX ") \(check.sentence)") }
        }
        if !report.ok { throw ExitCode(1) }
    }

    /// The addresses of the mailboxes sync is on for.
    static func synced() async throws -> [String] {
        let database = try DaemonEnvironment.load(.scheduler).openDatabase()
        guard try await database.schemaStatus() == .current else {
            throw StartupFailure(.schema, "the database is not set up yet: run crm-api migrate first")
        }
        return try await database.pool.read { db in try EmailAccountStore.synced(db).map(\.email) }
    }
}

import ArgumentParser
import Foundation
import Google
import Shared

/// `crm-scheduler google-doctor`: checks the key, the clock, a token per mailbox and scope, and
/// Gmail access, and prints each result as a sentence; exits 1 when something needs fixing.
struct GoogleDoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "google-doctor",
        abstract: "Check that Gmail sync can work: key, clock, delegation, Gmail access."
    )

    @Option(name: .customLong("mailbox"), help: "A Workspace address to check (repeatable).")
    var mailboxes: [String] = []

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let config: GoogleConfig
        do {
            config = try GoogleCommandConfig.load()
        } catch {
            throw StartupFailure.exit(error, command: "crm-scheduler google-doctor")
        }
        let report = await GoogleDoctor(config: config).run(mailboxes: self.mailboxes)
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for check in report.checks { print("\(check.ok ? "ok  " : "FIX ") \(check.sentence)") }
        }
        if !report.ok { throw ExitCode(1) }
    }
}

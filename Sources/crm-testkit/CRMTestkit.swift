import ArgumentParser
import Foundation
import GRDB
import Shared

/// Test-only helpers that use the real `Shared` code from a separate process, for the
/// integration tests (two processes writing one database at once). Not installed anywhere.
@main
struct CRMTestkit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-testkit",
        abstract: "Test helpers (not shipped).",
        subcommands: [WriteBurst.self, CreateInvestor.self, PairedWrites.self, EnqueueMail.self, SeedRecords.self]
    )

    /// Creates an investor through `RecordStore`, as another daemon would, then wakes crm-api.
    struct CreateInvestor: AsyncParsableCommand {
        @Option var database: String
        @Option var runDir: String
        @Option var name: String

        func run() async throws {
            let store = RecordStore(database: try AppDatabase.open(path: self.database))
            let record = try await store.create(.investors, fields: ["name": .string(self.name)], by: nil)
            let woken = WakeSender(runDir: self.runDir).send(.changed(table: RecordTable.investors.sqlTable), to: .api)
            print("created \(record.id) woke \(woken)")
        }
    }

    /// Queues test mails through `MailQueue`, as crm-api and crm-scheduler do, and wakes the
    /// mailer once per mail (or never, with `--no-wake`, to measure polling alone).
    struct EnqueueMail: AsyncParsableCommand {
        @Option var database: String
        @Option var runDir: String
        @Option var to: String
        @Option var count: Int = 1
        @Option var subject: String = "Test mail"
        @Option var text: String = "Hello from the CRM."
        @Option var html: String?
        @Option var secretKey: String?
        @Flag var seal = false
        @Flag var noWake = false
        /// Pause between mails, to measure latency at a steady rate rather than a burst.
        @Option var everyMs: Int = 0

        func run() async throws {
            let db = try AppDatabase.open(path: self.database)
            let wake = self.noWake ? nil : WakeSender(runDir: self.runDir)
            let seal = self.secretKey.map { MailSeal(secretKey: Secret($0)) }
            for _ in 0..<self.count {
                let mail = try await db.pool.write { db in
                    try MailQueue.enqueue(
                        MailDraft(
                            kind: .test,
                            recipients: [self.to],
                            subject: self.subject,
                            text: self.text,
                            html: self.html,
                            idempotencyKey: "testkit:" + UUID().uuidString,
                            sealBodies: self.seal
                        ),
                        db: db,
                        seal: seal,
                        wake: wake,
                        now: Date()
                    )
                }
                print(mail.id ?? 0, mail.messageId)
                if self.everyMs > 0 { try await Task.sleep(for: .milliseconds(self.everyMs)) }
            }
        }
    }

    /// Creates `count` investors, each with a contact and a commitment to one of two funds,
    /// through `RecordStore` (with their history), for the restore drill.
    struct SeedRecords: AsyncParsableCommand {
        @Option var database: String
        @Option var count: Int = 100
        @Option var prefix: String = "Investor"

        func run() async throws {
            let store = RecordStore(database: try AppDatabase.open(path: self.database))
            var funds: [Int64] = []
            for name in ["\(self.prefix) Fund I", "\(self.prefix) Fund II"] {
                funds.append(try await store.create(.funds, fields: ["name": .string(name)], by: nil).id)
            }
            for index in 0..<self.count {
                let investor = try await store.create(
                    .investors,
                    fields: ["name": .string("\(self.prefix) \(index)")],
                    by: nil
                )
                _ = try await store.create(
                    .contacts,
                    fields: ["name": .string("Contact \(index)"), "investor_id": .number(Double(investor.id))],
                    by: nil
                )
                _ = try await store.create(
                    .commitments,
                    fields: [
                        "investor_id": .number(Double(investor.id)), "fund_id": .number(Double(funds[index % 2])),
                    ],
                    by: nil
                )
            }
            print("seeded \(self.count)")
        }
    }

    /// Writes pairs (an app setting and a feature request) in one transaction each, so any
    /// consistent snapshot holds as many of one as of the other.
    struct PairedWrites: AsyncParsableCommand {
        @Option var database: String
        @Option var count: Int = 5000

        func run() async throws {
            let db = try AppDatabase.open(path: self.database)
            for index in 0..<self.count {
                try await db.pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO app_settings (key, value) VALUES (?, '1')",
                        arguments: ["pair-\(index)"]
                    )
                    try db.execute(sql: "INSERT INTO feature_requests (title) VALUES (?)", arguments: ["pair \(index)"])
                }
            }
            print("wrote \(self.count) pairs")
        }
    }

    /// Inserts `count` rows, one short immediate transaction each, into `app_settings`.
    struct WriteBurst: AsyncParsableCommand {
        @Option var database: String
        @Option var tag: String
        @Option var count: Int = 2000

        func run() async throws {
            let db = try AppDatabase.open(path: self.database)
            for index in 0..<self.count {
                try await db.pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO app_settings (key, value) VALUES (?, ?)",
                        arguments: ["\(self.tag)-\(index)", "\(index)"]
                    )
                }
            }
            print("wrote \(self.count)")
        }
    }
}

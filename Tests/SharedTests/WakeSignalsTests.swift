import Foundation
import GRDB
import Logging
import SharedTesting
import Testing

@testable import Shared

@Suite struct WakeSignalsTests {
    let logger = Logger(label: "test")

    @Test func aMessageSentToTheSocketWakesTheListener() async throws {
        let directory = try TemporaryDirectory()
        let sender = WakeSender(runDir: directory.path)
        let received = try await WakeSignals.listen(
            socketPath: directory.path + "/crm-mailer.sock",
            pollInterval: .seconds(600),
            logger: self.logger
        ) { wakes in
            var iterator = wakes.makeAsyncIterator()
            #expect(await iterator.next() == .start)
            #expect(sender.send(.outbound, to: .mailer))
            #expect(sender.send(line: "not a message", toPath: directory.path + "/crm-mailer.sock"))
            #expect(sender.send(.changed(table: "fundraising_investors"), to: .mailer))
            return [await iterator.next(), await iterator.next()]
        }
        #expect(received == [.message(.outbound), .message(.changed(table: "fundraising_investors"))])
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/crm-mailer.sock"))
    }

    @Test func withTheSocketGoneThePollStillFindsTheWork() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let socketPath = directory.path + "/crm-backup.sock"
        let found = try await WakeSignals.listen(
            socketPath: socketPath,
            pollInterval: .milliseconds(200),
            logger: self.logger
        ) {
            wakes -> String? in
            // The socket disappears (say, a cleanup removed it), then another process queues work.
            unlink(socketPath)
            let writer = try AppDatabase.open(path: database.path)
            try await writer.pool.write { db in
                try db.execute(sql: "INSERT INTO app_settings (key, value) VALUES ('job', '\"queued\"')")
            }
            #expect(!WakeSender(runDir: directory.path).send(.backup, to: .backup))
            for await wake in wakes where wake == .poll {
                let work = try await database.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT value FROM app_settings WHERE key = 'job'")
                }
                if let work { return work }
            }
            return nil
        }
        #expect(found == "\"queued\"")
    }

    @Test func sendingToAMissingDaemonIsIgnored() throws {
        let directory = try TemporaryDirectory()
        #expect(!WakeSender(runDir: directory.path).send(.reload, to: .scheduler))
        #expect(!WakeSender(runDir: "/" + String(repeating: "x", count: 200)).send(.reload, to: .scheduler))
    }

    @Test func aStaleSocketFileIsReplacedButAnOrdinaryFileIsNot() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/crm-api.sock"
        _ = try await WakeSignals.listen(socketPath: path, pollInterval: .seconds(600), logger: self.logger) { _ in
            // Leave the socket file behind as a crashed daemon would.
            link(path, directory.path + "/stale.sock")
        }
        rename(directory.path + "/stale.sock", path)
        try await WakeSignals.listen(socketPath: path, pollInterval: .seconds(600), logger: self.logger) { _ in }

        FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        await #expect(throws: (any Error).self) {
            try await WakeSignals.listen(socketPath: path, pollInterval: .seconds(600), logger: self.logger) { _ in }
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep me".utf8))
    }

    @Test(arguments: [
        ("outbound", WakeMessage.outbound), ("backup\n", .backup), ("  reload ", .reload), ("formulas", .formulas),
        ("changed fundraising_contacts", .changed(table: "fundraising_contacts")),
    ])
    func knownMessagesParse(line: String, message: WakeMessage) {
        #expect(WakeMessage(line: line) == message)
        #expect(WakeMessage(line: message.description) == message)
    }

    @Test(arguments: [
        "", "OUTBOUND", "changed", "changed ", "changed users; DROP TABLE users", "changed ../etc", "changed Users",
        "changed " + String(repeating: "a", count: 65), String(repeating: "x", count: 10_000), "outbound\0",
        "changed tablé",
    ])
    func hostileMessagesAreIgnored(line: String) {
        #expect(WakeMessage(line: line) == nil)
    }
}

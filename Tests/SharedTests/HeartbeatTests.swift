import Foundation
import GRDB
import Logging
import SharedTesting
import Testing

@testable import Shared

@Suite struct HeartbeatTests {
    @Test func aBeatWritesTheRowAndStopMarksItStopped() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let heartbeat = Heartbeat(daemon: .scheduler, database: database, logger: Logger(label: "test"))
        await heartbeat.increment("wakes")
        await heartbeat.increment("wakes")
        await heartbeat.set("last_wake", "changed x")
        let before = Date().addingTimeInterval(-0.001)
        await heartbeat.beat()
        let after = Date().addingTimeInterval(0.001)

        var row = try #require(
            try await database.pool.read { db in try DaemonStatus.fetchOne(db, key: "crm-scheduler") }
        )
        #expect(row.status == .running)
        #expect(row.pid == Int64(ProcessInfo.processInfo.processIdentifier))
        #expect(row.version == CRMVersion.current)
        #expect(row.lastBeatAt >= before && row.lastBeatAt <= after, "the beat's own time, however busy the machine")
        let figures = try JSONDecoder().decode([String: JSONValue].self, from: Data(row.figures.utf8))
        #expect(figures == ["wakes": 2, "last_wake": "changed x"])

        await heartbeat.stop()
        row = try #require(try await database.pool.read { db in try DaemonStatus.fetchOne(db, key: "crm-scheduler") })
        #expect(row.status == .stopped)
        #expect(row.stoppedAt != nil)
    }
}

import Foundation
import GRDB
import Logging
import ServiceLifecycle
import SharedTesting
import Synchronization
import Testing

@testable import Shared

@Suite struct WorkerDaemonTests {
    @Test func theServiceGroupRunsTheWorkOnStartAndOnAWakeThenStopsCleanly() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        let config = try CRMConfig(environment: ["CRM_DATA_DIR": directory.path, "CRM_POLL_INTERVAL_S": "600"])
        let environment = DaemonEnvironment(daemon: .scheduler, config: config, logger: Logger(label: "test"))
        let heartbeat = Heartbeat(daemon: .scheduler, database: database, logger: environment.logger)
        let wakes = Mutex<[Wake]>([])
        let group = WorkerDaemon.buildServiceGroup(environment, heartbeat: heartbeat) { wake in
            wakes.withLock { $0.append(wake) }
        }
        let running = Task { try await group.run() }
        try await Self.waitFor { wakes.withLock { $0.count } == 1 }
        WakeSender(runDir: config.runDir).send(.formulas, to: .scheduler)
        try await Self.waitFor { wakes.withLock { $0.count } == 2 }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(wakes.withLock { $0 } == [.start, .message(.formulas)])
        let status = try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM daemon_status")
        }
        #expect(status == "stopped", "the heartbeat marks the daemon stopped")
        _ = directory
    }

    static func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(25)) }
        #expect(condition())
    }
}

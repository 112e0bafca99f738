import Foundation
import GRDB
import Logging

/// Writes this daemon's row in `daemon_status`: pid, version, start time, last beat and its figures.
/// A failed beat (the database busy past its timeout) is logged and retried at the next beat.
public actor Heartbeat {
    public let daemon: DaemonName
    let database: AppDatabase
    let logger: Logger
    let startedAt = Date()
    private var figures: [String: JSONValue] = [:]

    public init(daemon: DaemonName, database: AppDatabase, logger: Logger) {
        self.daemon = daemon
        self.database = database
        self.logger = logger
    }

    /// Sets one figure, reported from the next beat on.
    public func set(_ key: String, _ value: JSONValue) {
        self.figures[key] = value
    }

    /// Adds one to a counting figure.
    public func increment(_ key: String) {
        if case .number(let value) = self.figures[key] {
            self.figures[key] = .number(value + 1)
        } else {
            self.figures[key] = 1
        }
    }

    public func beat() async {
        await self.write(state: .running)
    }

    /// Marks the daemon stopped, on graceful shutdown.
    public func stop() async {
        await self.write(state: .stopped)
    }

    private func write(state: DaemonStatus.State) async {
        let now = Date()
        let row = DaemonStatus(
            name: self.daemon,
            pid: Int64(ProcessInfo.processInfo.processIdentifier),
            version: CRMVersion.current,
            status: state,
            startedAt: self.startedAt,
            lastBeatAt: now,
            stoppedAt: state == .stopped ? now : nil,
            figures: Self.encode(self.figures)
        )
        do {
            try await self.database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO daemon_status (name, pid, version, status, started_at, last_beat_at, stopped_at, figures)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET
                            pid = excluded.pid, version = excluded.version, status = excluded.status,
                            started_at = excluded.started_at, last_beat_at = excluded.last_beat_at,
                            stopped_at = excluded.stopped_at, figures = excluded.figures,
                            updated_at = \(Migrations.now)
                        """,
                    arguments: [
                        row.name, row.pid, row.version, row.status, row.startedAt, row.lastBeatAt, row.stoppedAt,
                        row.figures,
                    ]
                )
            }
        } catch {
            self.logger.warning("heartbeat not written", metadata: .error(error))
        }
    }

    static func encode(_ figures: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(figures)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

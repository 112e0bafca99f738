import Foundation
import GRDB
import Logging
import Shared

/// Keeps relationship signals true as time passes: hourly, the 30- and 90-day counts of every
/// record with captured mail are counted again (200 records per write, so the team's edits never
/// wait long) and every record's staleness is set from its last contact.
actor SignalRefresh {
    let database: AppDatabase
    let logger: Logger
    let interval: TimeInterval = 3600
    let batch = 200
    private var lastRun: Date?

    init(database: AppDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func run(now: Date = Date()) async {
        if let last = self.lastRun, now.timeIntervalSince(last) < self.interval { return }
        self.lastRun = now
        do {
            let records = try await self.database.pool.read { db in try RelationshipSignals.linkedRecords(db) }
            var start = 0
            repeat {
                let chunk = Set(records[start..<min(records.count, start + self.batch)])
                let last = start + self.batch >= records.count
                try await self.database.pool.write { db in
                    let settings = try AppSettings.values(db)
                    try RelationshipSignals.refresh(chunk, at: now, settings: settings, db)
                    if last { try RelationshipSignals.restale(at: now, settings: settings, db) }
                }
                start += self.batch
            } while start < records.count
        } catch {
            self.logger.error("relationship signals not refreshed", metadata: .error(error))
        }
    }
}

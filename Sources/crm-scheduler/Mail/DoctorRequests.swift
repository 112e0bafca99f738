import Foundation
import GRDB
import Google
import Logging
import Shared

/// Answers the Admin page's "Check Google set-up": claims a waiting request, runs the doctor over
/// every mailbox sync is on for, and stores the report for crm-api to show.
struct DoctorRequests: Sendable {
    let database: AppDatabase
    let config: GoogleConfig
    let logger: Logger

    func run() async {
        do {
            // Asked on every poll: a read finds nothing waiting without taking the write lock.
            let waiting = try await self.database.pool.read { db in
                try DoctorRuns.open(now: Date(), db)?.startedAt == nil
            }
            guard waiting, let run = try await self.database.pool.write({ db in try DoctorRuns.claim(at: Date(), db) })
            else { return }
            let mailboxes = try await self.database.pool.read { db in try EmailAccountStore.synced(db).map(\.email) }
            let report = await GoogleDoctor(config: self.config).run(mailboxes: mailboxes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(report)
            try await self.database.pool.write { db in
                try DoctorRuns.finish(run.id, ok: report.ok, report: data, at: Date(), db)
            }
            self.logger.info("google doctor ran", metadata: ["doctor.run": "\(run.id)", "ok": "\(report.ok)"])
        } catch {
            self.logger.error("google doctor could not run", metadata: .error(error))
        }
    }
}

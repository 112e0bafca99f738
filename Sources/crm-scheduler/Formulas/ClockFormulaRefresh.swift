import Foundation
import Logging
import Shared

/// Once a day per field, in the team's time zone, starts a recompute of each formula that reads
/// the clock (`TODAY()`, `NOW()`…), so views such as "due this week" stay right; crm-api runs the
/// jobs when woken. Asked on every wake and poll; a day already refreshed costs one read.
struct ClockFormulaRefresh: Sendable {
    let jobs: FormulaJobs
    let wake: WakeSender
    let heartbeat: Heartbeat
    let logger: Logger

    func run() async {
        do {
            let started = try await self.jobs.refreshClockBound()
            guard started > 0 else { return }
            self.wake.send(.formulas, to: .api)
            await self.heartbeat.set("clock_formulas_refreshed_at", .string(ISO8601.string(Date())))
            self.logger.info("clock formulas refreshed", metadata: ["formula.jobs": "\(started)"])
        } catch {
            self.logger.error("clock formulas not refreshed", metadata: .error(error))
        }
    }
}

import Foundation
import Google
import Shared

/// crm-scheduler's work: on start, every poll and every wake-up, do what time has made due —
/// the daily refresh of formulas that read the clock, and Gmail capture's round.
enum SchedulerWork {
    static func build(
        _ database: AppDatabase,
        _ heartbeat: Heartbeat,
        _ environment: DaemonEnvironment
    ) async throws
        -> WorkerDaemon.Work
    {
        let refresh = ClockFormulaRefresh(
            jobs: FormulaJobs(database: database),
            wake: WakeSender(runDir: environment.config.runDir),
            heartbeat: heartbeat,
            logger: environment.logger
        )
        let mail = MailSync(
            database: database,
            config: try GoogleConfig(environment: ProcessInfo.processInfo.environment),
            heartbeat: heartbeat,
            logger: environment.logger,
            interval: environment.config.gmailSyncInterval.timeInterval
        )
        return { _ in
            await refresh.run()
            await mail.run()
        }
    }
}

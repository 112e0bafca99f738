import Foundation
import Google
import Shared

/// crm-scheduler's work: on start, every poll and every wake-up, do what time has made due —
/// the daily refresh of formulas that read the clock, the Admin page's Google check, Gmail
/// capture's round, and the hourly refresh of relationship signals.
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
        let google = try GoogleConfig(environment: ProcessInfo.processInfo.environment)
        let mail = MailSync(
            database: database,
            config: google,
            heartbeat: heartbeat,
            logger: environment.logger,
            interval: environment.config.gmailSyncInterval.timeInterval
        )
        let signals = SignalRefresh(database: database, logger: environment.logger)
        let doctor = DoctorRequests(database: database, config: google, logger: environment.logger)
        return { _ in
            await refresh.run()
            await doctor.run()
            await mail.run()
            await signals.run()
        }
    }
}

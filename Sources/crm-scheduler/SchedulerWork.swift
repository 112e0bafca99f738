import Shared

/// crm-scheduler's work: on start, every poll and every wake-up, do what time has made due —
/// today the daily refresh of formulas that read the clock.
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
        return { _ in await refresh.run() }
    }
}

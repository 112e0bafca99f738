import Foundation
import Logging
import Shared

/// crm-backup's work: on start, every poll and every `backup` wake-up, queue the nightly backup
/// when it is due and run the queued jobs (backups and restores) one at a time.
enum BackupWork {
    static func build(
        _ database: AppDatabase,
        _ heartbeat: Heartbeat,
        _ environment: DaemonEnvironment
    ) async throws
        -> WorkerDaemon.Work
    {
        let runner = BackupJobRunner(
            database: database,
            dataDir: environment.config.dataDir,
            logger: environment.logger,
            now: { Date() },
            wake: WakeSender(runDir: environment.config.runDir)
        )
        BackupFiles.removePartials(in: try BackupFiles.directory(dataDir: environment.config.dataDir))
        return { wake in
            if case .message(let message) = wake, message != .backup { return }
            do {
                try await runner.scheduleIfDue()
            } catch {
                environment.logger.warning("backup schedule not checked", metadata: .error(error))
            }
            await runner.drain()
            await heartbeat.set("last_drain", .string(ISO8601.string(Date())))
        }
    }
}

import ArgumentParser
import Foundation
import Shared

extension CRMBackup {
    /// `crm-backup take`: one manual backup now, verified, in this process; prints its id.
    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take and verify one backup now; print its id.")

        func run() async throws {
            do {
                let (_, runner) = try await CRMBackup.localRunner()
                let job = try await runner.runNow(.manual)
                guard let job, job.status == .succeeded, let backupId = job.backupId else {
                    throw StartupFailure(
                        .failure,
                        job?.error ?? "the backup did not finish (another crm-backup may have it)"
                    )
                }
                print(backupId)
            } catch {
                throw StartupFailure.exit(error, command: "crm-backup take")
            }
        }
    }

    /// The environment and a job runner for a one-off command.
    static func localRunner() async throws -> (DaemonEnvironment, BackupJobRunner) {
        let environment = try DaemonEnvironment.load(.backup)
        let database = try await environment.openCurrentDatabase()
        let runner = BackupJobRunner(
            database: database,
            dataDir: environment.config.dataDir,
            logger: environment.logger,
            now: { Date() },
            wake: WakeSender(runDir: environment.config.runDir)
        )
        return (environment, runner)
    }
}

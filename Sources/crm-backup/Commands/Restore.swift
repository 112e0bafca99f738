import ArgumentParser
import Foundation
import Shared

extension CRMBackup {
    /// `crm-backup restore ID`: the same restore as the API's (safety backup first, daemons told to
    /// reload), run in this process. With `--into FILE`: restores into that copy of a database
    /// instead of the live one (a restore drill; no safety backup, the live data is untouched).
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a catalogued backup (or drill it into a copy)."
        )

        @Argument(help: "The backup's id.") var id: Int64
        @Option(help: "A database file to restore into instead of the live database.") var into: String?

        func run() async throws {
            do {
                let (environment, runner) = try await CRMBackup.localRunner()
                if let into = self.into {
                    try await self.drill(into: into, runner: runner, dataDir: environment.config.dataDir)
                    return
                }
                let job = try await runner.runNow(.restore, restoreFrom: self.id)
                guard let job, job.status == .succeeded else {
                    throw StartupFailure(.failure, job?.error ?? "the restore did not finish")
                }
                print("restored backup \(self.id); safety backup \(job.safetyBackupId.map(String.init) ?? "?")")
            } catch {
                throw StartupFailure.exit(error, command: "crm-backup restore")
            }
        }

        func drill(into path: String, runner: BackupJobRunner, dataDir: String) async throws {
            guard let backup = try await runner.verify(self.id) else {
                throw StartupFailure(.input, "there is no backup \(self.id)")
            }
            guard backup.verifyOk == true else {
                throw StartupFailure(.failure, "backup \(self.id) failed verification")
            }
            let scratch = path + ".restore-source"
            defer { BackupFiles.removeDatabaseFile(scratch) }
            try BackupRestore.prepareCopy(
                of: try BackupFiles.directory(dataDir: dataDir) + "/" + backup.fileName,
                at: scratch
            )
            let target = try AppDatabase.open(path: path)
            let counts = try await BackupRestore.copy(fromPreparedCopy: scratch, into: target, by: nil, now: Date())
            for (table, count) in counts.sorted(by: { $0.key < $1.key }) { print("\(table) \(count)") }
        }
    }
}

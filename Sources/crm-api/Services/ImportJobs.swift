import Foundation
import Shared
import Synchronization

/// Imports of large files running after their request answered 202, with progress a client
/// polls. Kept in memory for an hour after they finish: a job lost to a restart committed
/// nothing (its transaction rolls back), so the client is told to try again.
final class ImportJobs: Sendable {
    struct Job: Sendable {
        enum Status: String, Sendable, Encodable {
            case running, succeeded, failed
        }

        let id: String
        let userId: Int64
        let table: RecordTable
        let dryRun: Bool
        let createdAt: Date
        var progress: ImportProgress?
        var plan: ImportPlan?
        var error: APIError?
        var finishedAt: Date?

        var status: Status { self.finishedAt == nil ? .running : self.error == nil ? .succeeded : .failed }
    }

    static let retention: TimeInterval = 3600
    private let jobs = Mutex<[String: Job]>([:])

    func start(userId: Int64, options: ImportOptions, at now: Date) -> String {
        let id = UUID().uuidString.lowercased()
        self.jobs.withLock { jobs in
            jobs = jobs.filter { $0.value.finishedAt.map { now.timeIntervalSince($0) < Self.retention } ?? true }
            jobs[id] = Job(id: id, userId: userId, table: options.table, dryRun: options.dryRun, createdAt: now)
        }
        return id
    }

    func progress(_ id: String, _ progress: ImportProgress) {
        self.jobs.withLock { $0[id]?.progress = progress }
    }

    func finish(_ id: String, plan: ImportPlan?, error: APIError?, at now: Date) {
        self.jobs.withLock { jobs in
            jobs[id]?.plan = plan
            jobs[id]?.error = error
            jobs[id]?.finishedAt = now
        }
    }

    func job(_ id: String) -> Job? {
        self.jobs.withLock { $0[id] }
    }
}

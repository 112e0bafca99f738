import Logging
import ServiceLifecycle
import Shared

/// Runs formula recompute jobs in the background: when a field's formula changed on a large
/// table or crm-scheduler started the day's refresh of formulas that read the clock (`kick`), at
/// start for jobs a restart interrupted, and on a slow poll.
struct FormulaJobRunner: Service {
    let jobs: FormulaJobs
    let events: EventPump
    let logger: Logger
    let kicks: Kicks

    /// Asks for the jobs to run soon.
    func kick() {
        self.kicks.kick()
    }

    func run() async throws {
        let poll = Task {
            while !Task.isCancelled {
                self.kick()
                try? await Task.sleep(for: .seconds(30))
            }
        }
        defer { poll.cancel() }
        for await _ in self.kicks.stream.cancelOnGracefulShutdown() {
            do {
                var batches = 0
                while try await self.jobs.step() {
                    batches += 1
                    if Task.isCancelled { break }
                }
                if batches > 0 {
                    self.events.nudge()
                    self.logger.info("formula jobs ran", metadata: ["formula.batches": "\(batches)"])
                }
            } catch is CancellationError {
                break
            } catch {
                self.logger.error("formula job failed", metadata: .error(error))
            }
        }
    }
}

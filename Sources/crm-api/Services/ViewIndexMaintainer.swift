import GRDB
import Logging
import ServiceLifecycle
import Shared

/// Keeps the indexes saved views sort by (`ViewIndexes`) in step with the views: at start and
/// after views or fields change. In the background, because building one over a million records
/// takes seconds; until it exists the view is read without it.
struct ViewIndexMaintainer: Service {
    let database: AppDatabase
    let logger: Logger
    let kicks = Kicks()

    /// Asks for the indexes to be brought in step soon.
    func kick() {
        self.kicks.kick()
    }

    func run() async throws {
        self.kick()
        for await _ in self.kicks.stream.cancelOnGracefulShutdown() {
            do {
                let (created, dropped) = try await self.database.pool.write { db in try ViewIndexes.reconcile(db) }
                if !created.isEmpty || !dropped.isEmpty {
                    self.logger.info(
                        "view indexes changed",
                        metadata: ["index.created": "\(created.count)", "index.dropped": "\(dropped.count)"]
                    )
                }
            } catch is CancellationError {
                break
            } catch {
                self.logger.error("view indexes failed", metadata: .error(error))
            }
        }
    }
}

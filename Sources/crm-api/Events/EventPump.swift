import Logging
import ServiceLifecycle
import Shared

/// Keeps the event hub current: pumps after crm-api's own writes (`nudge`), when another daemon
/// sends `changed <table>` to crm-api's wake socket, and on a slow poll for anything missed. It
/// owns crm-api's wake socket, so it passes `formulas` on to the formula job runner.
struct EventPump: Service {
    let hub: EventHub
    let config: CRMConfig
    let logger: Logger
    /// Rung when crm-scheduler started formula jobs.
    let formulaKicks: Kicks
    let nudges = Kicks()

    /// Asks for a pump soon (after a write this process committed).
    func nudge() {
        self.nudges.kick()
    }

    func run() async throws {
        try await self.hub.start()
        let socketPath = self.config.socketPath(for: .api)
        try await WakeSignals.listen(socketPath: socketPath, pollInterval: .seconds(2), logger: self.logger) { wakes in
            let forward = Task {
                for await wake in wakes {
                    // After a restore every client reloads: the data changed under them at once.
                    if case .message(.reload) = wake {
                        await self.hub.reset(reason: "the data was restored from a backup")
                    }
                    if case .message(.formulas) = wake { self.formulaKicks.kick() }
                    self.nudge()
                }
            }
            defer { forward.cancel() }
            for await _ in self.nudges.stream.cancelOnGracefulShutdown() {
                do {
                    try await self.hub.pump()
                } catch {
                    self.logger.warning("event pump failed", metadata: .error(error))
                }
            }
        }
        await self.hub.finishAll()
    }
}

import ServiceLifecycle

/// Beats at start, every interval while running, and marks the daemon stopped on shutdown.
public struct HeartbeatService: Service {
    let heartbeat: Heartbeat
    let interval: Duration

    public init(heartbeat: Heartbeat, interval: Duration) {
        self.heartbeat = heartbeat
        self.interval = interval
    }

    public func run() async throws {
        await self.heartbeat.beat()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await self.heartbeat.beat()
        }
        await self.heartbeat.stop()
    }
}

import Logging

/// Why a daemon's work loop woke up.
public enum Wake: Equatable, Sendable {
    /// The loop just started: look for work left over from before.
    case start
    /// Another process sent a message to this daemon's socket.
    case message(WakeMessage)
    /// The slow poll timer fired: look for work whose message was lost.
    case poll
}

/// A daemon's wake-ups as one async sequence: messages arriving on its Unix datagram socket,
/// merged with a slow poll timer so a lost datagram only delays work.
public enum WakeSignals {
    /// Binds `socketPath` (replacing a stale socket file), then runs `body` with the wake-ups;
    /// the socket is closed and removed when `body` returns or throws.
    public static func listen<T: Sendable>(
        socketPath: String,
        pollInterval: Duration,
        logger: Logger,
        _ body: @Sendable (AsyncStream<Wake>) async throws -> T
    ) async throws -> T {
        let socket = try WakeSocket(path: socketPath)
        let (wakes, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(64))
        continuation.yield(.start)
        socket.start { text in
            if let message = WakeMessage(line: text) {
                continuation.yield(.message(message))
            } else {
                logger.debug("ignored unknown wake message", metadata: ["wake.bytes": "\(text.utf8.count)"])
            }
        }
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                if !Task.isCancelled { continuation.yield(.poll) }
            }
        }
        do {
            let result = try await body(wakes)
            await Self.finish(socket, timer, continuation)
            return result
        } catch {
            await Self.finish(socket, timer, continuation)
            throw error
        }
    }

    private static func finish(
        _ socket: WakeSocket,
        _ timer: Task<Void, Never>,
        _ continuation: AsyncStream<Wake>.Continuation
    ) async {
        timer.cancel()
        continuation.finish()
        await socket.stop()
    }
}

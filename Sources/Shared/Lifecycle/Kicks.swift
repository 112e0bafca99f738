/// A doorbell for a background service: `kick()` asks it to run soon, and kicks that arrive while
/// it is busy fold into one (only the newest is kept).
public struct Kicks: Sendable {
    public let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func kick() {
        self.continuation.yield()
    }
}

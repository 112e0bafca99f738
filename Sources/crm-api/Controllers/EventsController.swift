import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Shared

/// `GET /api/events`: server-sent events for record changes and state version bumps, replaying
/// those after `Last-Event-ID` (or `?last_event_id=`).
struct EventsController {
    let services: AppServices
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/events", .member, use: self.stream)
    }

    /// An event id as a client names it, or nil when it names none; anything else is refused.
    static func eventId(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 else {
            throw APIError(
                .badRequest,
                "invalid_last_event_id",
                "Last-Event-ID is the id of an event this stream sent."
            )
        }
        return id
    }

    func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        // EventSource sends the header when it reconnects by itself; a stream the page opens anew
        // (after signing in again) can only name the last event it saw in the query.
        let header = try Self.eventId(request.headers[Self.lastEventID])
        let query = try Self.eventId(request.uri.queryParameters.get("last_event_id").map { String($0) })
        let lastEventId = header ?? query
        let identity = try context.requireIdentity()
        let (replay, live) = try await self.services.events.subscribe(after: lastEventId, userId: identity.userId)
        let services = self.services
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: .init { writer in
                try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                for event in replay { try await writer.write(ByteBuffer(string: event.wire)) }
                // Ends on server shutdown, so SIGTERM never waits on an open browser tab, and once
                // the credential no longer holds: the browser then reconnects and is refused.
                let (items, stop) = Self.withTicks(live, every: services.eventKeepAlive)
                defer { stop() }
                streaming: for await item in items.cancelOnGracefulShutdown() {
                    switch item {
                    case .event(let event):
                        try await writer.write(ByteBuffer(string: event.wire))
                    case .tick:
                        guard try await services.isStillSignedIn(identity) else { break streaming }
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    enum Item: Sendable {
        case event(ChangeEvent)
        case tick
    }

    /// The hub's events with a tick after every `interval`, and how to stop both (which also ends the
    /// hub subscription). Bounded like the hub's own queue: a writer that falls behind gets a
    /// `reset` and the stream ends, so a slow client never makes the server hold its backlog.
    static func withTicks(
        _ events: AsyncStream<ChangeEvent>,
        every interval: Duration,
        limit: Int = EventHub.queueLimit
    ) -> (AsyncStream<Item>, stop: @Sendable () -> Void) {
        let (merged, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(limit))
        let forward = Task {
            for await event in events {
                guard case .enqueued(let remaining) = continuation.yield(.event(event)), remaining > 1 else {
                    continuation.yield(
                        .event(ChangeEvent(id: event.id, kind: .reset, data: ["reason": "the stream fell behind"]))
                    )
                    break
                }
            }
            continuation.finish()
        }
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                continuation.yield(.tick)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            ticker.cancel()
        }
        return (merged, { continuation.finish() })
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Shared

/// `GET /api/events`: server-sent events for record changes and state version bumps.
struct EventsController {
    let services: AppServices
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/events", .member, use: self.stream)
    }

    func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let lastEventId = request.headers[Self.lastEventID].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        let (replay, live) = try await self.services.events.subscribe(after: lastEventId, userId: try context.requireIdentity().userId)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: .init { writer in
                try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                for event in replay { try await writer.write(ByteBuffer(string: event.wire)) }
                // Ends on server shutdown, so SIGTERM never waits on an open browser tab.
                for await event in live.cancelOnGracefulShutdown() {
                    try await writer.write(ByteBuffer(string: event.wire))
                }
                try await writer.finish(nil)
            })
    }
}

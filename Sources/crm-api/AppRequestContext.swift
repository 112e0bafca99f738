import Hummingbird
import NIOCore
import Synchronization

/// The request context of every crm-api route: who is asking, and from where.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carries a valid session or API token.
    var identity: Identity? {
        didSet { self.notes.userId = self.identity?.userId }
    }
    /// Shared by every copy of this context, so the request log (the outermost middleware) can
    /// report what inner ones learnt.
    let notes = RequestNotes()
    /// The TCP peer's IP address (nil in in-process tests).
    let peerAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
}

/// What inner middleware learn about a request that outer ones report: who asked.
final class RequestNotes: Sendable {
    private let user = Mutex<Int64?>(nil)

    var userId: Int64? {
        get { self.user.withLock { $0 } }
        set { self.user.withLock { $0 = newValue } }
    }
}

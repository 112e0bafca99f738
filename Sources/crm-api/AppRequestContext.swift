import Hummingbird
import NIOCore

/// The request context of every crm-api route: who is asking, and from where.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carries a valid session or API token.
    var identity: Identity?
    /// The TCP peer's IP address (nil in in-process tests).
    let peerAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
}

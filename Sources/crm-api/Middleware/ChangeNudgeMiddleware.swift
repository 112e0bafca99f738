import Hummingbird

/// After a write this process committed, asks the event pump to publish it at once.
struct ChangeNudgeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let pump: EventPump

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let response = try await next(request, context)
        if request.method.isUnsafe && response.status.code < 400 { self.pump.nudge() }
        return response
    }
}

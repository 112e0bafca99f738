import Hummingbird

extension Encodable {
    /// This value as a JSON response with the given status.
    func response(status: HTTPResponse.Status, from request: Request, context: AppRequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(self, from: request, context: context)
        response.status = status
        return response
    }
}

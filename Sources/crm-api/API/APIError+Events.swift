import HTTPTypes

extension EventHub.TooManyStreams: APIErrorConvertible {
    var apiError: APIError {
        APIError(
            .tooManyRequests,
            "too_many_streams",
            "You have \(EventHub.streamsPerUser) live tabs or devices open already; close one to see changes live here."
        )
    }
}

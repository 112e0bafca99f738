import HTTPTypes
import Shared

/// A domain error that knows its API answer. `APIErrorMiddleware` renders any error that
/// conforms, so handlers call the Shared stores and let their failures travel; each failure
/// type is translated once, in the `APIError+…` file of its area.
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension APIError {
    static let malformedJSON = APIError(
        .badRequest,
        "malformed_json",
        "The request body is not the JSON this endpoint expects."
    )

    /// Per-field problems as `details` (field or path → sentence).
    static func problems(_ problems: [String: String]) -> JSONValue {
        .object(problems.mapValues(JSONValue.string))
    }
}

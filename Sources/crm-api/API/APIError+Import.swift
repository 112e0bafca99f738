import Foundation
import HTTPTypes
import Shared

extension CSVImporter.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .unreadable(let message):
            return APIError(.unprocessableContent, "invalid_file", message)
        case .invalidOption(let option, let message):
            return APIError(
                .unprocessableContent,
                "invalid_import",
                message,
                details: .object([option: .string(message)])
            )
        case .catalogChanged:
            return APIError(
                .conflict,
                "fields_changed",
                "The table's fields changed while the file was read; nothing was imported. Try again."
            )
        case .rejected(let plan):
            let body = (try? JSONEncoder().encode(plan)).flatMap {
                JSONValue.decode(String(decoding: $0, as: UTF8.self))
            }
            var extra: [String: JSONValue] = [:]
            if case .object(let members)? = body { extra = members }
            let count = plan.errorCount
            return APIError(
                .unprocessableContent,
                "import_has_errors",
                "The file has \(count) problem\(count == 1 ? "" : "s"); nothing was imported. Fix them, or choose to skip invalid rows.",
                extra: extra
            )
        }
    }
}

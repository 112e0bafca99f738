import Foundation
import HTTPTypes
import Shared

extension RecordStoreError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound:
            APIError.notFound("There is no such record.")
        case .versionConflict(let current):
            APIError(
                .conflict,
                "version_conflict",
                "Someone else changed this record since you loaded it.",
                details: ["current": Self.json(current)]
            )
        case .versionConflicts(let records):
            APIError(
                .conflict,
                "version_conflict",
                "Someone else changed \(records.count == 1 ? "a record" : "\(records.count) records") of this change since you loaded them; nothing was saved.",
                details: ["current": .array(records.map(Self.json))]
            )
        case .invalid(let problems):
            APIError(
                .unprocessableContent,
                "invalid_fields",
                "Some values do not fit their fields.",
                details: APIError.problems(problems)
            )
        }
    }

    /// A record as the API shows it, as a JSON value.
    private static func json(_ record: RecordValue) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(RecordResponse(record))).flatMap {
            JSONValue.decode(String(decoding: $0, as: UTF8.self))
        } ?? .null
    }
}

extension GridStateStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .versionConflict(let stamp):
            APIError(
                .conflict,
                "version_conflict",
                "The grid changed since you loaded it. Reload to see the latest.",
                extra: [
                    "current_version": .number(Double(stamp.version)),
                    "updated_at": .string(ISO8601.string(stamp.updatedAt)),
                    "updated_by": stamp.updatedBy.map { .number(Double($0)) } ?? .null,
                ]
            )
        case .tooManyArchived(let count):
            APIError(
                .forbidden,
                "archive_needs_admin",
                "This would archive \(count) records; only an admin can archive more than \(GridStateController.memberArchiveLimit) at once. Nothing was saved.",
                details: ["archived": .number(Double(count))]
            )
        case .invalid(let problems):
            APIError(
                .unprocessableContent,
                "invalid_fields",
                "Some values do not fit their fields; nothing was saved.",
                details: APIError.problems(problems)
            )
        }
    }
}

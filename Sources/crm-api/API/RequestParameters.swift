import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The path and paging parameters many routes share, parsed in one place.
extension AppRequestContext {
    /// `:table`, or 404 `unknown_table`.
    func table() throws -> RecordTable {
        guard let name = self.parameters.get("table"), let table = RecordTable(rawValue: name) else {
            throw APIError(
                .notFound,
                "unknown_table",
                "There is no such table; use investors, contacts, funds or commitments."
            )
        }
        return table
    }

    /// `:key` of a field, or 404.
    func fieldKey() throws -> String {
        guard let key = self.parameters.get("key"), (1...64).contains(key.count) else {
            throw APIError.notFound("There is no such field.")
        }
        return key
    }
}

extension Request {
    /// A time-ordered list's window and page: `since`, `until` (ISO 8601), `limit` (1 to 200,
    /// default 50) and `cursor` (the previous page's `next_cursor`).
    func timePaging() throws -> (since: Date?, until: Date?, limit: Int, after: EmailActivity.Cursor?) {
        let parameters = self.uri.queryParameters
        var limit = 50
        if let text = parameters.get("limit") {
            guard let chosen = Int(text), (1...200).contains(chosen) else {
                throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to 200.")
            }
            limit = chosen
        }
        var after: EmailActivity.Cursor?
        if let token = parameters.get("cursor") {
            guard let cursor = EmailActivity.Cursor(token: token) else {
                throw APIError(.badRequest, "invalid_cursor", "The cursor is not valid.")
            }
            after = cursor
        }
        return (
            try Self.instant(parameters.get("since"), name: "since"),
            try Self.instant(parameters.get("until"), name: "until"),
            limit, after
        )
    }

    /// An ISO 8601 date and time, or a 400 naming the parameter.
    static func instant(_ text: String?, name: String) throws -> Date? {
        guard let text else { return nil }
        guard text.count <= 64, let date = ISO8601.date(text) else {
            throw APIError(.badRequest, "invalid_\(name)", "\(name) is a date and time such as 2026-12-01T00:00:00Z.")
        }
        return date
    }

    /// `limit`: 1 to 1000, 100 when left out.
    func pageLimit() throws -> Int {
        guard let text = self.uri.queryParameters.get("limit") else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to 1000.")
        }
        return limit
    }

    /// `cursor` of an id-ordered list: the last id seen.
    func idCursor() throws -> Int64? {
        guard let text = self.uri.queryParameters.get("cursor"), !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "invalid_cursor", "The cursor is not valid.")
        }
        return id
    }
}

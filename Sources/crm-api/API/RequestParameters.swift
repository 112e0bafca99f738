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

import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `view`, `filter`, `sort`, `group_by` and `search` of a records read, parsed; a bad one is a 400
/// naming it.
enum RecordQueryParameters {
    static let names = ["view", "filter", "sort", "group_by", "search"]

    static func parse(_ request: Request) throws -> RecordQueryRequest {
        let parameters = request.uri.queryParameters
        var parsed = RecordQueryRequest()
        if let text = parameters.get("view") {
            guard let id = Int64(text), id > 0 else {
                throw APIError(.badRequest, "invalid_view", "view is a view's id.")
            }
            parsed.viewId = id
        }
        if let filter = parameters.get("filter") {
            guard filter.utf8.count <= 50_000,
                let group = try? JSONDecoder().decode(FilterGroup.self, from: Data(String(filter).utf8))
            else {
                throw APIError(
                    .badRequest,
                    "invalid_filter",
                    "filter is the JSON of a group: {\"conjunction\", \"conditions\"}."
                )
            }
            parsed.filter = group
        }
        if let sort = parameters.get("sort") { parsed.sorts = try Self.sorts(String(sort), parameter: "sort") }
        if let groupBy = parameters.get("group_by") {
            parsed.groupBy = try Self.sorts(String(groupBy), parameter: "group_by")
        }
        if let search = parameters.get("search") { parsed.search = String(search) }
        return parsed
    }

    /// `field,-other` → ascending `field`, descending `other`.
    static func sorts(_ text: String, parameter: String) throws -> [ViewDefinition.Sort] {
        guard text.count <= 2000 else {
            throw APIError(.badRequest, "invalid_\(parameter)", "\(parameter) is too long.")
        }
        return text.split(separator: ",").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("-")
                ? ViewDefinition.Sort(field: String(trimmed.dropFirst()), direction: .desc)
                : ViewDefinition.Sort(field: trimmed, direction: .asc)
        }
    }
}

import Foundation
import GRDB

/// What a read of records asks for: a saved view to start from, and ad-hoc parts that replace
/// the view's own (the grid's `?view=&filter=&sort=&group_by=&search=`).
public struct RecordQueryRequest: Sendable, Equatable {
    public var viewId: Int64?
    public var filter: FilterGroup?
    public var sorts: [ViewDefinition.Sort]?
    public var groupBy: [ViewDefinition.Sort]?
    public var search: String?

    public init(
        viewId: Int64? = nil,
        filter: FilterGroup? = nil,
        sorts: [ViewDefinition.Sort]? = nil,
        groupBy: [ViewDefinition.Sort]? = nil,
        search: String? = nil
    ) {
        self.viewId = viewId
        self.filter = filter
        self.sorts = sorts
        self.groupBy = groupBy
        self.search = search
    }

    /// Names no view and no ad-hoc part: the plain id-ordered list.
    public var isEmpty: Bool { self == RecordQueryRequest() }

    /// The query: the view's (one `userId` may see, else `ViewStore.Failure.notFound`) with the
    /// ad-hoc parts in place of its own.
    public func resolve(_ table: RecordTable, userId: Int64, _ db: Database) throws -> RecordQuery {
        var query = RecordQuery()
        if let viewId = self.viewId {
            query = RecordQuery(try ViewStore.fetch(table, id: viewId, userId: userId, db).definition)
        }
        if let filter = self.filter { query.filter = filter }
        if let sorts = self.sorts { query.sorts = sorts }
        if let groupBy = self.groupBy { query.groupBy = groupBy }
        if let search = self.search { query.search = search }
        return query
    }
}

extension ViewDates {
    /// Now, in the team's time zone (the `time_zone` setting).
    public static func current(_ db: Database, now: Date) throws -> ViewDates {
        ViewDates(now: now, timeZone: try AppSettings.timeZone(db))
    }
}

import Foundation
import GRDB

/// Logged communications by investor (its own and its contacts'), contact, member, kind and
/// time, newest first, a page at a time (keyset on the time and id).
public struct CommunicationQuery: Sendable {
    public var investorId: Int64?
    public var contactId: Int64?
    public var memberId: Int64?
    public var kind: Communication.Kind?
    public var since: Date?
    public var until: Date?
    public var limit = 50
    public var after: EmailActivity.Cursor?

    public init() {}

    public static func page(
        _ query: Self,
        _ db: Database
    ) throws -> (items: [Communication], next: EmailActivity.Cursor?) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let investor = query.investorId {
            conditions.append(
                """
                (c.investor_id = ? OR EXISTS (SELECT 1 FROM communication_contacts cc JOIN fundraising_contacts k
                    ON k.id = cc.contact_id AND k.deleted_at IS NULL WHERE cc.communication_id = c.id AND k.investor_id = ?))
                """
            )
            arguments += [investor, investor]
        }
        if let contact = query.contactId {
            conditions.append(
                "EXISTS (SELECT 1 FROM communication_contacts cc WHERE cc.communication_id = c.id AND cc.contact_id = ?)"
            )
            arguments += [contact]
        }
        if let member = query.memberId {
            conditions.append("c.member_id = ?")
            arguments += [member]
        }
        if let kind = query.kind {
            conditions.append("c.kind = ?")
            arguments += [kind]
        }
        if let since = query.since {
            conditions.append("c.occurred_at >= ?")
            arguments += [since]
        }
        if let until = query.until {
            conditions.append("c.occurred_at < ?")
            arguments += [until]
        }
        if let after = query.after {
            conditions.append("(c.occurred_at < ? OR (c.occurred_at = ? AND c.id < ?))")
            arguments += [after.sentAt, after.sentAt, after.id]
        }
        let limit = max(1, min(200, query.limit))
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.* FROM communications c WHERE c.deleted_at IS NULL\(conditions.map { " AND " + $0 }.joined())
                ORDER BY c.occurred_at DESC, c.id DESC LIMIT ?
                """,
            arguments: arguments + [limit + 1]
        )
        let items = try rows.prefix(limit).map { row in
            Communication(row: row, contactIds: try CommunicationStore.contacts(row["id"], db))
        }
        let next = rows.count > limit ? items.last.map { EmailActivity.Cursor(sentAt: $0.occurredAt, id: $0.id) } : nil
        return (Array(items), next)
    }
}

import Foundation
import GRDB

/// Captured messages for people to read: by investor, contact, team member and time, newest
/// first, a page at a time (keyset: the page after a message is the same however many arrive
/// meanwhile). Each shows no more than the privacy level and the private marks allow now.
public enum EmailActivity {
    public struct Query: Sendable, Equatable {
        public var investorId: Int64?
        public var contactId: Int64?
        public var memberId: Int64?
        public var since: Date?
        public var until: Date?
        public var limit = 50
        /// Words every message found has in its subject or text (as stored; prefixes match).
        public var search: String?
        /// The last message of the previous page.
        public var after: Cursor?

        public init() {}
    }

    /// Where a page ends: the last message's time and id.
    public struct Cursor: Sendable, Equatable {
        public let sentAt: Date
        public let id: Int64

        public init(sentAt: Date, id: Int64) {
            self.sentAt = sentAt
            self.id = id
        }

        /// `<unix milliseconds>.<id>`, as the API hands it out.
        public var token: String { "\(Int64((self.sentAt.timeIntervalSince1970 * 1000).rounded())).\(self.id)" }

        public init?(token: String) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
                let millis = Int64(parts[0]), let id = Int64(parts[1]), id > 0, millis >= 0
            else { return nil }
            self.sentAt = Date(timeIntervalSince1970: Double(millis) / 1000)
            self.id = id
        }
    }

    public struct Member: Sendable, Equatable {
        public let userId: Int64
        public let direction: CaptureRules.Direction
    }

    public struct Item: Sendable, Equatable {
        public let id: Int64
        public let sentAt: Date
        /// Outbound when someone on the team sent it.
        public let outbound: Bool
        public let fromAddress: String
        public let fromName: String?
        public let recipients: [String]
        public let subject: String?
        /// The start of the trimmed text, when the full level allows it.
        public let snippet: String?
        public let privacy: CaptureStore.PrivacyLevel
        public let threadKey: String
        public let members: [Member]
        public let investorIds: [Int64]
        public let contactIds: [Int64]
    }

    public static let snippetLength = 280

    public static func page(_ query: Query, _ db: Database) throws -> (items: [Item], next: Cursor?) {
        let settings = try AppSettings.values(db)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        for (table, id) in [("investors", query.investorId), ("contacts", query.contactId)] {
            guard let id else { continue }
            conditions.append(
                "EXISTS (SELECT 1 FROM email_message_links l WHERE l.message_id = m.id AND l.record_table = ? AND l.record_id = ?)"
            )
            arguments += [table, id]
        }
        if let member = query.memberId {
            conditions.append(
                "EXISTS (SELECT 1 FROM email_participations p WHERE p.message_id = m.id AND p.user_id = ?)"
            )
            arguments += [member]
        }
        if let since = query.since {
            conditions.append("m.sent_at >= ?")
            arguments += [since]
        }
        if let until = query.until {
            conditions.append("m.sent_at < ?")
            arguments += [until]
        }
        if let search = query.search {
            guard let match = Self.match(search) else { return ([], nil) }
            conditions.append("m.id IN (SELECT rowid FROM email_search WHERE email_search MATCH ?)")
            arguments += [match]
        }
        if let after = query.after {
            conditions.append("(m.sent_at < ? OR (m.sent_at = ? AND m.id < ?))")
            arguments += [after.sentAt, after.sentAt, after.id]
        }
        let limit = max(1, min(200, query.limit))
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.columns)
                FROM email_messages m WHERE m.deleted_at IS NULL\(conditions.map { " AND " + $0 }.joined())
                ORDER BY m.sent_at DESC, m.id DESC LIMIT ?
                """,
            arguments: arguments + [limit + 1]
        )
        let items = try Self.items(Array(rows.prefix(limit)), settings: settings, db)
        let next = rows.count > limit ? items.last.map { Cursor(sentAt: $0.sentAt, id: $0.id) } : nil
        return (items, next)
    }

    /// One live message with its whole stored text, when the privacy level lets the reader see it.
    public static func message(_ id: Int64, _ db: Database) throws -> (item: Item, text: String?)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT \(Self.columns) FROM email_messages m WHERE m.id = ? AND m.deleted_at IS NULL",
                arguments: [id]
            )
        else { return nil }
        guard let item = try Self.items([row], settings: try AppSettings.values(db), db).first else { return nil }
        return (item, item.privacy == .full ? row["body_text"] : nil)
    }

    /// The FTS5 query for what someone typed: each word (letters and digits) as a quoted prefix,
    /// all of them required; nil when nothing searchable is left. Quoting keeps FTS5's own syntax
    /// (`OR`, `NEAR`, `*`, `:`) out of reach of the text.
    public static func match(_ text: String) -> String? {
        let words = text.split { !$0.isLetter && !$0.isNumber }.prefix(10).map { String($0.prefix(64)) }
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    static let columns = """
        m.id, m.sent_at, m.from_address, m.from_name, m.recipients, m.subject, m.body_text, m.privacy, m.thread_key
        """

    /// Messages as their readers may see them, with their members and linked records.
    static func items(_ shown: [Row], settings: AppSettings.Values, _ db: Database) throws -> [Item] {
        let ids = shown.map { $0["id"] as Int64 }
        var members: [Int64: [Member]] = [:]
        var links: [Int64: (investors: [Int64], contacts: [Int64])] = [:]
        if !ids.isEmpty {
            let list = ids.map(String.init).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT message_id, user_id, direction FROM email_participations WHERE message_id IN (\(list))
                    ORDER BY message_id, user_id
                    """
            ) {
                if let direction = CaptureRules.Direction(rawValue: row["direction"]) {
                    members[row["message_id"], default: []].append(Member(userId: row["user_id"], direction: direction))
                }
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT message_id, record_table, record_id FROM email_message_links WHERE message_id IN (\(list))
                    ORDER BY message_id, record_table, record_id
                    """
            ) {
                let message: Int64 = row["message_id"]
                var entry = links[message] ?? ([], [])
                if row["record_table"] == "investors" {
                    entry.investors.append(row["record_id"])
                } else {
                    entry.contacts.append(row["record_id"])
                }
                links[message] = entry
            }
        }
        return shown.map { row -> Item in
            let id: Int64 = row["id"]
            let recipients = CaptureStore.addresses(row["recipients"])
            let stored = CaptureStore.PrivacyLevel(rawValue: row["privacy"]) ?? .metadata
            let level = CaptureStore.visible(
                stored: stored,
                from: row["from_address"],
                recipients: recipients,
                settings: settings
            )
            let body: String? = level == .full ? row["body_text"] : nil
            let messageMembers = members[id] ?? []
            return Item(
                id: id,
                sentAt: row["sent_at"],
                outbound: messageMembers.contains { $0.direction == .sent },
                fromAddress: row["from_address"],
                fromName: row["from_name"],
                recipients: recipients,
                subject: level == .metadata ? nil : row["subject"],
                snippet: body.map { String($0.prefix(Self.snippetLength)) },
                privacy: level,
                threadKey: row["thread_key"],
                members: messageMembers,
                investorIds: links[id]?.investors ?? [],
                contactIds: links[id]?.contacts ?? []
            )
        }
    }
}

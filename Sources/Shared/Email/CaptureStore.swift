import Foundation
import GRDB

/// Writes what a sync decided: a kept message (once per Message-ID, a participation per
/// mailbox, links to its contacts and investors), a skipped one (counted by reason), or one
/// Gmail no longer has. Each message is remembered as seen, so it is never fetched again.
public enum CaptureStore {
    /// A relevant message, with what the privacy level lets the CRM keep.
    public struct Kept: Sendable {
        public let userId: Int64
        public let gmailId: String
        public let gmailThreadId: String
        public let rfcMessageId: String
        public let threadKey: String
        public let subject: String?
        public let body: String?
        public let from: MailAddress
        /// `to`, `cc` or `bcc`, and who.
        public let recipients: [(kind: String, address: MailAddress)]
        public let sentAt: Date
        public let privacy: PrivacyLevel
        public let match: CaptureRules.Match

        /// Nil for a message without a sender, which the rules never keep.
        public init?(
            userId: Int64,
            gmailId: String,
            gmailThreadId: String,
            headers message: CaptureRules.Message,
            body: String?,
            sentAt: Date,
            privacy: PrivacyLevel,
            match: CaptureRules.Match
        ) {
            guard let from = message.from else { return nil }
            self.userId = userId
            self.gmailId = gmailId
            self.gmailThreadId = gmailThreadId
            let own = Self.messageId(message.header("Message-ID")) ?? "<gmail.\(gmailId).\(userId)@crm.invalid>"
            self.rfcMessageId = own
            let references = (message.header("References") ?? "").split(whereSeparator: \.isWhitespace)
                .compactMap { Self.messageId(String($0)) }
            self.threadKey = references.first ?? Self.messageId(message.header("In-Reply-To")) ?? own
            let privacy = match.isPrivate ? .metadata : privacy
            self.subject = privacy == .metadata ? nil : message.header("Subject").map(EncodedWords.decode)
            self.body = privacy == .full ? body : nil
            self.from = from
            self.recipients = ["To", "Cc", "Bcc"].flatMap { name in
                (message.header(name).map(MailAddress.list) ?? []).map { (kind: name.lowercased(), address: $0) }
            }
            self.sentAt = sentAt
            self.privacy = privacy
            self.match = match
        }

        /// `<id@host>` as written, trimmed; nil when it is not one.
        static func messageId(_ raw: String?) -> String? {
            guard let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines), text.hasPrefix("<"),
                text.hasSuffix(">"), text.count > 2, text.utf8.count <= 998
            else { return nil }
            return text
        }
    }

    /// How much of a kept message is stored (the `email_privacy_level` setting).
    public enum PrivacyLevel: String, Sendable {
        case metadata, subject, full

        public init(_ settings: AppSettings.Values) {
            self = PrivacyLevel(rawValue: settings.string(.emailPrivacyLevel)) ?? .full
        }
    }

    public static func isSeen(userId: Int64, gmailId: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM email_seen WHERE user_id = ? AND gmail_id = ?",
            arguments: [userId, gmailId]
        ) ?? false
    }

    /// Stores a kept message. The same Message-ID from another mailbox adds a participation, not
    /// a second message; a message an admin erased stays erased.
    public static func keep(_ kept: Kept, at now: Date, _ db: Database) throws {
        try Self.seen(kept.userId, kept.gmailId, db)
        let recipients = JSONValue.array(
            kept.recipients.map {
                .object([
                    "kind": .string($0.kind), "address": .string($0.address.address),
                    "name": $0.address.name.map(JSONValue.string) ?? .null,
                ])
            }
        )
        try db.execute(
            sql: """
                INSERT INTO email_messages (rfc_message_id, thread_key, subject, body_text, from_address, from_name,
                    recipients, sent_at, privacy, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (rfc_message_id) DO NOTHING
                """,
            arguments: [
                kept.rfcMessageId, kept.threadKey, kept.subject, kept.body, kept.from.address, kept.from.name,
                JSONValue.encode(recipients), kept.sentAt, kept.privacy.rawValue, now, now,
            ]
        )
        // reads deleted rows: an erased message must not come back, so its row is found either way.
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT id, deleted_at FROM email_messages WHERE rfc_message_id = ?",
                arguments: [kept.rfcMessageId]
            ), row["deleted_at"] as String? == nil
        else { return }
        let messageId: Int64 = row["id"]
        try db.execute(
            sql: """
                INSERT INTO email_participations (user_id, gmail_id, message_id, gmail_thread_id, direction, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [kept.userId, kept.gmailId, messageId, kept.gmailThreadId, kept.match.direction.rawValue, now]
        )
        var records = Set<RelationshipSignals.Record>()
        for (table, ids) in [(RecordTable.contacts, kept.match.contactIds), (.investors, kept.match.investorIds)] {
            for id in ids {
                try db.execute(
                    sql: "INSERT INTO email_message_links (message_id, record_table, record_id) VALUES (?, ?, ?) "
                        + "ON CONFLICT DO NOTHING",
                    arguments: [messageId, table.rawValue, id]
                )
                records.insert(.init(table, id))
            }
        }
        try RelationshipSignals.refresh(records, at: now, settings: try AppSettings.values(db), db)
        try db.execute(
            sql:
                "UPDATE email_accounts SET fetched_count = fetched_count + 1, kept_count = kept_count + 1 WHERE user_id = ?",
            arguments: [kept.userId]
        )
    }

    /// Counts a skipped message by its reason; its body was never fetched.
    public static func skip(userId: Int64, gmailId: String, reason: CaptureRules.SkipReason, _ db: Database) throws {
        try Self.seen(userId, gmailId, db)
        try db.execute(
            sql: """
                INSERT INTO email_skips (user_id, reason, count) VALUES (?, ?, 1)
                ON CONFLICT (user_id, reason) DO UPDATE SET count = count + 1
                """,
            arguments: [userId, reason.rawValue]
        )
        try db.execute(
            sql: "UPDATE email_accounts SET fetched_count = fetched_count + 1 WHERE user_id = ?",
            arguments: [userId]
        )
    }

    /// A message listed a moment ago that Gmail no longer has.
    public static func gone(userId: Int64, gmailId: String, _ db: Database) throws {
        try Self.seen(userId, gmailId, db)
    }

    /// Skipped messages per reason, for the Admin page.
    public static func skips(userId: Int64, _ db: Database) throws -> [String: Int] {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT reason, count FROM email_skips WHERE user_id = ? ORDER BY reason",
            arguments: [userId]
        )
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["reason"], $0["count"]) })
    }

    /// Remembers a decided message; a decided message leaves the retry queue.
    private static func seen(_ userId: Int64, _ gmailId: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO email_seen (user_id, gmail_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [userId, gmailId]
        )
        try db.execute(
            sql: "DELETE FROM email_retries WHERE user_id = ? AND gmail_id = ?",
            arguments: [userId, gmailId]
        )
    }
}

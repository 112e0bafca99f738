import Foundation
import GRDB

/// One queued mail: what to send, to whom, and where its delivery stands.
public struct OutboundMail: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    /// Every automated send the CRM makes; each goes only to the team's own accounts.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The admin's SMTP test mail (active admins only).
        case test
        /// The daily activity digest (active admins only).
        case digest
        /// An account invitation (the invited address only).
        case invite
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued
        case sending
        case sent
        /// The server refused the message for good (a 5xx reply), or its answer to the whole
        /// message never came (it may have arrived): not retried.
        case failed
        /// Retried until the limit and still not accepted.
        case dead
    }

    public var id: Int64?
    public var kind: Kind
    public var idempotencyKey: String
    public var messageId: String
    /// A JSON array of addresses.
    public var recipients: String
    public var subject: String
    /// Plain text, or the sealed box when `sealed`.
    public var bodyText: String
    public var bodyHtml: String?
    public var sealed: Bool
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseExpiresAt: Date?
    /// Set just before the final dot of the current attempt: from then on the server may have
    /// the message, so it is never sent again.
    public var dataSentAt: Date?
    /// A code and a generic sentence, never the server's own words (they can carry a credential).
    public var lastError: String?
    public var requestedBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var deletedAt: Date?

    public static let databaseTableName = "outbound_mail"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var recipientList: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(self.recipients.utf8))) ?? []
    }

    /// The newest 200 mails, of one status or all.
    public static func recent(status: Status?, _ db: Database) throws -> [OutboundMail] {
        var request = OutboundMail.all().live()
        if let status { request = request.filter(Column("status") == status.rawValue) }
        return try request.order(Column("id").desc).limit(200).fetchAll(db)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        self.id = inserted.rowID
    }
}

extension OutboundMail: SoftDeletable {}

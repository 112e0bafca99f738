import Foundation
import GRDB

/// What a caller asks to send; `MailQueue.enqueue` turns it into a queued row.
public struct MailDraft: Sendable {
    public var kind: OutboundMail.Kind
    public var recipients: [String]
    public var subject: String
    public var text: String
    public var html: String?
    /// The same key is never queued twice (one digest per day, one mail per invite).
    public var idempotencyKey: String
    public var requestedBy: Int64?
    /// Seal the bodies in the queue (they carry a secret, e.g. an invite link).
    public var sealBodies: Bool

    public init(
        kind: OutboundMail.Kind,
        recipients: [String],
        subject: String,
        text: String,
        html: String? = nil,
        idempotencyKey: String,
        requestedBy: Int64? = nil,
        sealBodies: Bool = false
    ) {
        self.kind = kind
        self.recipients = recipients
        self.subject = subject
        self.text = text
        self.html = html
        self.idempotencyKey = idempotencyKey
        self.requestedBy = requestedBy
        self.sealBodies = sealBodies
    }
}

public enum MailQueueError: Error, Equatable {
    case noRecipients
    /// Addresses this kind of mail may not go to (guardrail 2: the team's own accounts only).
    case recipientsNotAllowed([String])
    case invalidDraft(String)
}

/// The one way mail enters the queue, inside the caller's transaction.
public enum MailQueue {
    /// The longest subject and body the queue takes.
    public static let maximumSubjectCharacters = 998
    public static let maximumBodyBytes = 2 * 1024 * 1024

    /// Queues the draft, or returns the row already queued under its idempotency key. Refuses
    /// recipients outside the team (see `MailRecipientPolicy`). After the transaction commits,
    /// wakes crm-mailer.
    @discardableResult
    public static func enqueue(
        _ draft: MailDraft,
        db: Database,
        seal: MailSeal?,
        wake: WakeSender?,
        now: Date,
        messageIdDomain: String = "venture-crm.localhost"
    ) throws -> OutboundMail {
        // reads deleted rows: a key is never queued twice, whatever became of its first mail
        if let existing = try OutboundMail.filter(Column("idempotency_key") == draft.idempotencyKey).fetchOne(db) {
            return existing
        }
        var seen = Set<String>()
        var recipients: [String] = []
        for raw in draft.recipients {
            guard let email = EmailAddress.normalized(raw) else { throw MailQueueError.recipientsNotAllowed([raw]) }
            if seen.insert(email).inserted { recipients.append(email) }
        }
        guard !recipients.isEmpty else { throw MailQueueError.noRecipients }
        let refused = try MailRecipientPolicy.refused(recipients, kind: draft.kind, db: db, now: now)
        guard refused.isEmpty else { throw MailQueueError.recipientsNotAllowed(refused) }
        guard !draft.subject.isEmpty, draft.subject.count <= Self.maximumSubjectCharacters,
            !draft.subject.contains(where: \.isNewline)
        else {
            throw MailQueueError.invalidDraft(
                "the subject must be one line of 1 to \(Self.maximumSubjectCharacters) characters"
            )
        }
        guard draft.text.utf8.count + (draft.html?.utf8.count ?? 0) <= Self.maximumBodyBytes else {
            throw MailQueueError.invalidDraft("the message is larger than \(Self.maximumBodyBytes / 1024 / 1024) MiB")
        }
        let sealer = draft.sealBodies ? seal : nil
        var mail = OutboundMail(
            id: nil,
            kind: draft.kind,
            idempotencyKey: draft.idempotencyKey,
            messageId: Self.messageId(domain: messageIdDomain),
            recipients: String(decoding: try JSONEncoder().encode(recipients), as: UTF8.self),
            subject: draft.subject,
            bodyText: try sealer.map { try $0.seal(draft.text) } ?? draft.text,
            bodyHtml: try draft.html.map { html in try sealer.map { try $0.seal(html) } ?? html },
            sealed: sealer != nil,
            status: .queued,
            attempts: 0,
            nextAttemptAt: now,
            leaseExpiresAt: nil,
            dataSentAt: nil,
            lastError: nil,
            requestedBy: draft.requestedBy,
            createdAt: now,
            updatedAt: now,
            sentAt: nil,
            deletedAt: nil
        )
        try mail.insert(db)
        if let wake {
            db.afterNextTransaction(onCommit: { _ in wake.send(.outbound, to: .mailer) })
        }
        return mail
    }

    /// Whether the running mailer reports an SMTP account (its heartbeat's `smtp_configured`).
    public static func smtpConfigured(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT json_extract(figures, '$.smtp_configured') = 1 FROM daemon_status
                WHERE name = 'crm-mailer' AND status = 'running'
                """
        ) ?? false
    }

    /// A globally unique `Message-ID`, chosen once so every retry carries the same one.
    public static func messageId(domain: String) -> String {
        let random = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "<\(random)@\(domain)>"
    }
}

/// Guardrail 2: who each kind of automated mail may go to.
public enum MailRecipientPolicy {
    /// The recipients that `kind` may not go to: test mail and digests go to active admins only,
    /// an invite only to the address of a pending invite.
    public static func refused(
        _ recipients: [String],
        kind: OutboundMail.Kind,
        db: Database,
        now: Date
    ) throws -> [String] {
        let allowed: Set<String>
        switch kind {
        case .test, .digest:
            allowed = Set(
                try String.fetchAll(
                    db,
                    sql: "SELECT lower(email) FROM users WHERE role = 'admin' AND active = 1 AND deleted_at IS NULL"
                )
            )
        case .invite:
            allowed = Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT lower(email) FROM invites
                        WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
                        """,
                    arguments: [now]
                )
            )
        }
        return recipients.filter { !allowed.contains($0) }
    }
}

import GRDB

/// When the mailer handed the SMTP server a message's final dot on the current attempt. It is
/// written before the dot goes out, so a `sending` row without it was never accepted and may
/// be sent again, while one with it may have arrived and is never sent twice.
enum Migration012MailDelivery {
    static let identifier = "012-mail-delivery"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE outbound_mail ADD COLUMN data_sent_at TEXT")
    }
}

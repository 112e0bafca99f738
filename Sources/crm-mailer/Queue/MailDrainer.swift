import Foundation
import GRDB
import Logging
import Shared

/// Drains `outbound_mail`: claims one due row at a time under a lease (so two mailers never send
/// the same row at once), renders and sends it, then records the outcome. A mail is retried on
/// deferral and network trouble with backoff, failed on a 5xx refusal, dead after the limit.
/// Exactly once or visibly failed: once the final dot may have reached the server, the mail is
/// never sent again; without an answer it ends `failed` as uncertain.
struct MailDrainer: Sendable {
    let database: AppDatabase
    let smtp: SMTPConfig?
    let settings: MailerSettings
    let seal: MailSeal?
    let heartbeat: Heartbeat
    let logger: Logger
    let now: @Sendable () -> Date

    /// Sends everything due; returns when the next queued mail falls due, if any. Without SMTP
    /// nothing is due: mail waits in the queue (and the depth is still reported).
    func drain() async -> Date? {
        guard let smtp = self.smtp else {
            _ = await self.report()
            return nil
        }
        let client = SMTPClient(config: smtp)
        while let mail = await self.claim(smtp: smtp) {
            await self.deliver(mail, client: client, smtp: smtp)
        }
        return await self.report()
    }

    /// Claims the next due mail. First, a mail whose mailer died after its final dot (the lease
    /// ran out with `data_sent_at` set) is failed as uncertain: it may have arrived, so it is
    /// never sent again. Any other mail whose lease ran out is taken up again.
    func claim(smtp: SMTPConfig) async -> OutboundMail? {
        let now = self.now()
        let lease = now.addingTimeInterval(self.settings.effectiveLease(smtp: smtp))
        do {
            let (uncertain, mail) = try await self.database.pool.write { db in
                let uncertain = try Int64.fetchAll(
                    db,
                    sql: """
                        UPDATE outbound_mail
                        SET status = 'failed', last_error = ?, lease_expires_at = NULL, updated_at = ?
                        WHERE status = 'sending' AND lease_expires_at < ? AND data_sent_at IS NOT NULL
                          AND deleted_at IS NULL
                        RETURNING id
                        """,
                    arguments: [SMTPFailure.uncertain.description, now, now]
                )
                let mail = try OutboundMail.fetchOne(
                    db,
                    sql: """
                        UPDATE outbound_mail
                        SET status = 'sending', attempts = attempts + 1, lease_expires_at = ?, data_sent_at = NULL,
                            updated_at = ?
                        WHERE id = (SELECT id FROM outbound_mail
                                    WHERE deleted_at IS NULL
                                      AND ((status = 'queued' AND next_attempt_at <= ?)
                                           OR (status = 'sending' AND lease_expires_at < ? AND data_sent_at IS NULL))
                                    ORDER BY next_attempt_at, id LIMIT 1)
                        RETURNING *
                        """,
                    arguments: [lease, now, now, now]
                )
                return (uncertain, mail)
            }
            for id in uncertain {
                self.logger.warning("mail delivery uncertain", metadata: ["mail.id": "\(id)", "mail.status": "failed"])
            }
            return mail
        } catch {
            self.logger.error("mail queue not read", metadata: .error(error))
            return nil
        }
    }

    /// Records, before the final dot, that the server may soon have the message. Only the
    /// attempt that holds the claim may (the attempt count fences a mailer whose lease was
    /// taken over); when nothing is recorded the send is abandoned.
    func markFinalDot(_ mail: OutboundMail) -> Bool {
        do {
            return try self.database.pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE outbound_mail SET data_sent_at = ?, updated_at = ?
                        WHERE id = ? AND status = 'sending' AND attempts = ? AND data_sent_at IS NULL
                        """,
                    arguments: [self.now(), self.now(), mail.id, mail.attempts]
                )
                return db.changesCount == 1
            }
        } catch {
            self.logger.error(
                "mail send not recorded",
                metadata: Logger.Metadata.error(error).merging(["mail.id": "\(mail.id ?? 0)"]) { $1 }
            )
            return false
        }
    }

    func deliver(_ mail: OutboundMail, client: SMTPClient, smtp: SMTPConfig) async {
        let id = mail.id ?? 0
        let result: Result<Void, SMTPFailure>
        let stillAllowed = await self.recipientsStillAllowed(mail)
        if !stillAllowed {
            result = .failure(
                .init(
                    code: "recipients",
                    sentence: "A recipient is no longer allowed (an admin deactivated, an invite revoked or used).",
                    retryable: false
                )
            )
        } else if let message = self.render(mail, smtp: smtp) {
            result = await client.send(message: message, recipients: mail.recipientList) { self.markFinalDot(mail) }
        } else {
            result = .failure(
                .init(
                    code: "sealed",
                    sentence: "The message could not be unsealed (CRM_SECRET_KEY changed?).",
                    retryable: false
                )
            )
        }
        let now = self.now()
        switch result {
        case .success:
            await self.record(mail, sql: "status = 'sent', sent_at = ?, last_error = NULL", arguments: [now])
            await self.heartbeat.set("last_success_at", .string(ISO8601.string(now)))
            self.logger.info(
                "mail sent",
                metadata: [
                    "mail.id": "\(id)", "mail.kind": "\(mail.kind.rawValue)", "mail.attempt": "\(mail.attempts)",
                ]
            )
        case .failure(let failure):
            let status: OutboundMail.Status
            var nextAttempt = now
            if !failure.retryable {
                status = .failed
            } else if mail.attempts >= self.settings.maxAttempts {
                status = .dead
            } else {
                status = .queued
                nextAttempt = now.addingTimeInterval(self.settings.retryDelay(afterAttempt: mail.attempts))
            }
            await self.record(
                mail,
                sql:
                    "status = ?, next_attempt_at = ?, last_error = ?, data_sent_at = CASE WHEN ? THEN NULL ELSE data_sent_at END",
                arguments: [status.rawValue, nextAttempt, failure.description, status == .queued]
            )
            await self.heartbeat.set("last_failure_at", .string(ISO8601.string(now)))
            await self.heartbeat.set("last_failure", .string(failure.description))
            self.logger.warning(
                "mail not sent",
                metadata: [
                    "mail.id": "\(id)", "mail.kind": "\(mail.kind.rawValue)", "mail.attempt": "\(mail.attempts)",
                    "mail.status": "\(status.rawValue)", "smtp.error": "\(failure)",
                ]
            )
        }
    }

    /// Guardrail 2 again at send time: what was allowed when queued may not be now.
    func recipientsStillAllowed(_ mail: OutboundMail) async -> Bool {
        let now = self.now()
        let refused = try? await self.database.pool.read { db in
            try MailRecipientPolicy.refused(mail.recipientList, kind: mail.kind, db: db, now: now)
        }
        return refused?.isEmpty ?? false
    }

    /// The message as sent; the same bytes on every attempt.
    func render(_ mail: OutboundMail, smtp: SMTPConfig) -> String? {
        var text = mail.bodyText
        var html = mail.bodyHtml
        if mail.sealed {
            guard let seal, let openedText = seal.open(text) else { return nil }
            text = openedText
            if let sealedHTML = html {
                guard let openedHTML = seal.open(sealedHTML) else { return nil }
                html = openedHTML
            }
        }
        let token = mail.messageId.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return MIMEMessage(
            from: Mailbox(smtp.from) ?? Mailbox(address: smtp.from),
            to: mail.recipientList.map(Mailbox.init(address:)),
            subject: mail.subject,
            messageId: mail.messageId,
            date: mail.createdAt,
            text: text,
            html: html,
            boundary: "=_crm_" + token.prefix(32)
        ).rendered()
    }

    /// Writes the attempt's outcome, unless another mailer has since claimed the row.
    private func record(_ mail: OutboundMail, sql: String, arguments: StatementArguments) async {
        let id = mail.id ?? 0
        do {
            try await self.database.pool.write { db in
                try db.execute(
                    sql:
                        "UPDATE outbound_mail SET \(sql), lease_expires_at = NULL, updated_at = ? WHERE id = ? AND attempts = ?",
                    arguments: arguments + [self.now(), id, mail.attempts]
                )
            }
        } catch {
            // The lease runs out: a mail past its final dot is then failed as uncertain, any
            // other is taken up again with the same Message-ID.
            self.logger.error(
                "mail outcome not recorded",
                metadata: Logger.Metadata.error(error).merging(["mail.id": "\(id)"]) { $1 }
            )
        }
    }

    /// Queue depth for the heartbeat, and when the next waiting mail falls due.
    private func report() async -> Date? {
        let figures = try? await self.database.pool.read { db in
            (
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM outbound_mail WHERE status IN ('queued', 'sending') AND deleted_at IS NULL"
                ) ?? 0,
                try Date.fetchOne(
                    db,
                    sql: """
                        SELECT min(CASE status WHEN 'queued' THEN next_attempt_at ELSE lease_expires_at END)
                        FROM outbound_mail WHERE status IN ('queued', 'sending') AND deleted_at IS NULL
                        """
                )
            )
        }
        await self.heartbeat.set("queue_depth", .number(Double(figures?.0 ?? 0)))
        return figures?.1
    }
}

import Foundation
import Shared

/// The invitation mail. Its link carries the invite token, so its bodies are sealed in the queue.
enum InviteMail {
    static func draft(invite: Invite, inviter: String, url: String) -> MailDraft {
        let role = invite.role == .admin ? "an admin" : "a member"
        let expires = Self.day(invite.expiresAt)
        return MailDraft(
            kind: .invite,
            recipients: [invite.email],
            subject: "\(inviter) invited you to the team's Venture CRM",
            text: """
                Hello,

                \(inviter) invited you to the team's Venture CRM as \(role).

                Accept the invitation and choose your password here (the link works once, until \(expires)):
                \(url)

                If you did not expect this invitation, you can ignore this mail.
                """,
            html: """
                <p>Hello,</p>
                <p>\(MailController.escapeHTML(inviter)) invited you to the team's Venture CRM as \(role).</p>
                <p><a href="\(MailController.escapeHTML(url))">Accept the invitation and choose your password</a>
                (the link works once, until \(expires)).</p>
                <p>If you did not expect this invitation, you can ignore this mail.</p>
                """,
            idempotencyKey: "invite:\(invite.id ?? 0)",
            requestedBy: invite.invitedBy,
            sealBodies: true
        )
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

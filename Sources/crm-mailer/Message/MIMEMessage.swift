import Foundation
import Shared

/// An RFC 5322 message with MIME bodies: plain text alone, or `multipart/alternative` with an
/// HTML part, each quoted-printable in UTF-8, with CRLF line ends throughout.
struct MIMEMessage {
    var from: Mailbox
    var to: [Mailbox]
    var subject: String
    var messageId: String
    var date: Date
    var text: String
    var html: String?
    /// A fixed boundary keeps a retried message byte-identical; random per message.
    var boundary: String

    /// The bytes handed to the SMTP server after DATA.
    func rendered() -> String {
        var headers = [
            "Date: " + Self.dateHeader(self.date),
            "From: " + self.from.header(used: 6),
            "To: " + self.to.map { $0.header(used: 5) }.joined(separator: ",\r\n "),
            "Subject: " + EncodedWords.encode(self.subject, used: 9),
            "Message-ID: " + self.messageId,
            "MIME-Version: 1.0",
            // Automated mail: auto-responders and vacation replies should stay quiet.
            "Auto-Submitted: auto-generated",
        ]
        let textPart = [
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(self.text),
        ]
        guard let html else {
            headers += textPart
            return headers.joined(separator: "\r\n") + "\r\n"
        }
        headers.append("Content-Type: multipart/alternative;\r\n boundary=\"\(self.boundary)\"")
        let body =
            [
                "",
                "This is a multi-part message in MIME format.",
                "--" + self.boundary,
            ] + textPart + [
                "--" + self.boundary,
                "Content-Type: text/html; charset=UTF-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                QuotedPrintable.encode(html),
                "--" + self.boundary + "--",
            ]
        return (headers + body).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5322 date-time in UTC, e.g. `Tue, 24 Nov 2026 09:30:00 +0000`.
    static func dateHeader(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

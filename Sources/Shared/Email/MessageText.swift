import Foundation

/// What someone wrote in a message, as plain text: the text/plain part (else the HTML one made
/// plain), without quoted replies, signatures, hidden text or invisible control characters, and
/// no longer than `maximumCharacters`. Never remote content: nothing is fetched or rendered.
public enum MessageText {
    public static let maximumCharacters = 10_000

    public static func extract(_ root: MailPart) -> String {
        guard let (body, isHTML) = Self.body(root) else { return "" }
        let plain = Self.clean(isHTML ? HTMLText.plain(body) : body)
        let trimmed = Self.withoutQuotes(plain)
        let text = trimmed.isEmpty ? plain : trimmed
        return String(text.prefix(Self.maximumCharacters))
    }

    /// The part that carries the message: text/plain before text/html in an alternative, the
    /// first text in a mixed or related part; attachments and forwarded messages are not it.
    static func body(_ part: MailPart) -> (String, Bool)? {
        if part.isAttachment { return nil }
        switch part.mimeType {
        case "text/plain":
            return part.text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : ($0, false) }
        case "text/html":
            return part.text.map { ($0, true) }
        case "multipart/alternative":
            let found = part.parts.compactMap(Self.body)
            return found.first { !$0.1 } ?? found.first
        case _ where part.mimeType.hasPrefix("multipart/"):
            return part.parts.lazy.compactMap(Self.body).first
        default:
            return nil
        }
    }

    /// Line ends as `\n`, no NUL, zero-width or bidi control characters (they hide or reorder
    /// text), no trailing spaces, at most one blank line in a row.
    static func clean(_ text: String) -> String {
        let invisible: Set<UInt32> = [
            0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
            0x2066, 0x2067, 0x2068, 0x2069, 0x00AD,
        ]
        var scalars = String.UnicodeScalarView()
        for scalar in text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            if invisible.contains(scalar.value) { continue }
            if scalar == "\r" {
                scalars.append("\n")
                continue
            }
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
            if scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) { continue }
            scalars.append(scalar == "\u{00A0}" ? " " : scalar)
        }
        var lines: [String] = []
        for line in String(scalars).split(separator: "\n", omittingEmptySubsequences: false) {
            let kept = String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            if kept.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(kept)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The new text of a reply: cut at the first quote header (`On … wrote:` and its translations,
    /// Outlook's `From:`/`Sent:` block, `-----Original Message-----`) or signature (`-- `, "Sent
    /// from my …"), and without a trailing run of `>` lines. Forwarded messages are kept.
    static func withoutQuotes(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var kept: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let next = index + 1 < lines.count ? lines[index + 1].trimmingCharacters(in: .whitespaces) : ""
            if Self.isQuoteHeader(trimmed)
                || (Self.startsQuoteHeader(trimmed) && Self.isQuoteHeader(trimmed + " " + next))
            {
                break
            }
            if trimmed == "-----Original Message-----" || trimmed.hasPrefix("-----Original Message") { break }
            if trimmed.hasPrefix("From:"),
                lines[(index + 1)..<min(lines.count, index + 5)].contains(where: {
                    let field = $0.trimmingCharacters(in: .whitespaces)
                    return field.hasPrefix("Sent:") || field.hasPrefix("Date:") || field.hasPrefix("Subject:")
                }), !kept.contains(where: { $0.contains("Forwarded message") })
            {
                break
            }
            if line == "-- " || trimmed == "--" { break }
            if Self.signOffs.contains(where: { trimmed.hasPrefix($0) }) { break }
            kept.append(line)
            index += 1
        }
        while let last = kept.last, last.trimmingCharacters(in: .whitespaces).hasPrefix(">") || last.isEmpty {
            kept.removeLast()
        }
        if let last = kept.last, last.trimmingCharacters(in: .whitespaces).hasSuffix("________________________________")
        {
            kept.removeLast()
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let signOffs = [
        "Sent from my iPhone", "Sent from my iPad", "Sent from my Android", "Sent from my mobile", "Sent from Mail for",
        "Get Outlook for iOS", "Get Outlook for Android", "Sent from Outlook", "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
    ]

    /// `On Tue, 3 Jun 2026 at 10:12, Jane <jane@lp.example> wrote:` and its German, French,
    /// Spanish, Italian and Dutch forms.
    static func isQuoteHeader(_ line: String) -> Bool {
        guard line.count <= 400 else { return false }
        // (how it starts, a word it holds, how it ends)
        let forms: [(String, String, String)] = [
            ("On ", " wrote", "wrote:"), ("Am ", " schrieb ", ":"), ("Le ", " a écrit", ":"), ("El ", " escribió", ":"),
            ("Il ", " ha scritto", ":"), ("Op ", " schreef ", ":"),
        ]
        return forms.contains { line.hasPrefix($0.0) && line.contains($0.1) && line.hasSuffix($0.2) }
    }

    /// The first line of a quote header Gmail wrapped over two lines.
    private static func startsQuoteHeader(_ line: String) -> Bool {
        ["On ", "Am ", "Le ", "El ", "Il ", "Op "].contains { line.hasPrefix($0) } && line.count < 300
    }
}

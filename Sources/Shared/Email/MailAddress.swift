import Foundation

/// One mailbox named in a header: its display name, if any, and its address, lower-cased for
/// matching (nobody relies on case in local parts).
public struct MailAddress: Sendable, Equatable, Hashable {
    public let name: String?
    public let address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    public var domain: String { String(self.address[self.address.index(after: self.address.lastIndex(of: "@")!)...]) }
    public var localPart: String { String(self.address[..<self.address.lastIndex(of: "@")!]) }

    /// Longest header read; longer ones are cut (a hostile message cannot make parsing slow).
    static let maximumHeaderBytes = 64 * 1024
    /// Most addresses taken from one header.
    static let maximumAddresses = 1000

    /// The mailboxes of an RFC 5322 address list: `Name <addr>`, bare addresses, quoted names
    /// holding commas (`"Doe, Jane" <jane@lp.example>`), comments, groups (`Team: a@x, b@y;`,
    /// `undisclosed-recipients:;`) and encoded-word names. Entries that hold no valid address are
    /// left out.
    public static func list(_ header: String) -> [MailAddress] {
        var found: [MailAddress] = []
        for entry in Self.entries(String(decoding: header.utf8.prefix(Self.maximumHeaderBytes), as: UTF8.self)) {
            if found.count >= Self.maximumAddresses { break }
            if let mailbox = Self.mailbox(entry), !found.contains(mailbox) { found.append(mailbox) }
        }
        return found
    }

    /// The first mailbox of a header (`From`), or nil.
    public static func first(_ header: String) -> MailAddress? { Self.list(header).first }

    /// Splits at top-level commas; a group's name and its `:` and `;` are separators too.
    private static func entries(_ header: String) -> [String] {
        var entries: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        var angle = false
        var comment = 0
        for character in header {
            if escaped {
                escaped = false
                current.append(character)
                continue
            }
            switch character {
            case "\\" where quoted || comment > 0:
                escaped = true
                current.append(character)
            case "\"" where comment == 0:
                quoted.toggle()
                current.append(character)
            case "(" where !quoted:
                comment += 1
            case ")" where !quoted && comment > 0:
                comment -= 1
            case _ where comment > 0:
                continue
            case "<" where !quoted:
                angle = true
                current.append(character)
            case ">" where !quoted:
                angle = false
                current.append(character)
            case ",", ";":
                if quoted || angle {
                    current.append(character)
                } else {
                    entries.append(current)
                    current = ""
                }
            case ":" where !quoted && !angle:
                // A group's display name: what came before is not an address.
                current = ""
            default:
                current.append(character)
            }
        }
        entries.append(current)
        return entries
    }

    private static func mailbox(_ entry: String) -> MailAddress? {
        let text = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            guard let address = EmailAddress.normalized(String(text[text.index(after: open)..<close])) else {
                return nil
            }
            return MailAddress(name: Self.displayName(String(text[..<open])), address: address)
        }
        return EmailAddress.normalized(text).map { MailAddress(name: nil, address: $0) }
    }

    private static func displayName(_ raw: String) -> String? {
        var name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        name = EncodedWords.decode(name).trimmingCharacters(in: .whitespacesAndNewlines)
        let clean = String(
            name.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init)
        )
        return clean.isEmpty ? nil : String(clean.prefix(200))
    }
}

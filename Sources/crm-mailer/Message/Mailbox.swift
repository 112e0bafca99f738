import Foundation

/// A sender or recipient: an address with an optional display name, as in `CRM <crm@example.com>`.
struct Mailbox: Equatable, Sendable {
    var name: String?
    var address: String

    /// Parses `addr` or `Name <addr>` (the name may be quoted); nil when it is neither.
    init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.contains(where: { $0.isNewline || $0 == "\0" }) else { return nil }
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            var name = text[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                name = String(name.dropFirst().dropLast())
            }
            self.name = name.isEmpty ? nil : name
            self.address = address
        } else {
            self.name = nil
            self.address = text
        }
        let parts = self.address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !self.address.contains(where: { $0.isWhitespace || "<>(),;:\\\"[]".contains($0) })
        else { return nil }
    }

    init(address: String) {
        self.name = nil
        self.address = address
    }

    /// The header form: the bare address, or the name (quoted, or RFC 2047 encoded) and
    /// `<address>`, folded before the address when the line would pass 78 characters.
    func header(used: Int = 0) -> String {
        guard let name else { return self.address }
        var phrase = EncodedWords.encode(name, used: used)
        if phrase == name {
            phrase =
                "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        let lastLine = phrase.components(separatedBy: "\r\n").last ?? phrase
        let width = (phrase.contains("\r\n") ? 0 : used) + lastLine.count + self.address.count + 3
        return phrase + (width > 78 ? "\r\n <" : " <") + self.address + ">"
    }
}

import Foundation

/// Normalises and checks the email addresses that name accounts.
public enum EmailAddress {
    /// Trimmed and lower-cased, or nil when it is not a plausible `local@domain.tld` address.
    public static func normalized(_ raw: String) -> String? {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard email.utf8.count <= 254 else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            local.utf8.count <= 64,
            domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..")
        else { return nil }
        let forbidden: Set<Character> = [
            " ", "\t", "\r", "\n", "<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]",
        ]
        guard
            !email.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true })
        else { return nil }
        return email
    }
}

extension EmailAddress {
    /// A mail domain as typed (`Fund.Example`, `@fund.example`), lower-cased; nil unless it is
    /// dot-separated labels of letters, digits and hyphens.
    public static func domain(_ raw: String) -> String? {
        var domain = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if domain.hasPrefix("@") { domain.removeFirst() }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
            })
        else { return nil }
        return domain
    }

    /// An entry of an address-or-domain list (blocked, private): a plain address (ASCII, a domain
    /// of letters, digits and hyphens) or a domain, lower-cased; nil for anything else.
    public static func listEntry(_ raw: String) -> String? {
        guard let address = Self.normalized(raw) else { return Self.domain(raw) }
        let parts = address.split(separator: "@")
        let atext = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        guard parts.count == 2, parts[0].allSatisfy({ atext.contains($0) }), Self.domain(String(parts[1])) != nil
        else { return nil }
        return address
    }
}

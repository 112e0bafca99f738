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

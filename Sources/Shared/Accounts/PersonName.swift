import Foundation

/// The display name of an account.
public enum PersonName {
    public static let problem = "The name must be 1 to 200 characters."

    /// Trimmed, or nil when empty, longer than 200 characters or spread over several lines.
    public static func validated(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count), !name.contains(where: \.isNewline) else { return nil }
        return name
    }
}

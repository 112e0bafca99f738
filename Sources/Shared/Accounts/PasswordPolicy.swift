import Foundation

/// The rules a new password must meet.
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// Bcrypt reads only the first 72 bytes; longer passwords would silently lose their tail.
    public static let maximumBytes = 72

    /// What a sign-in or password check compares: the typed password, or "" (which never
    /// matches) when it is longer than bcrypt reads, so no prefix of it can pass.
    public static func checkable(_ password: String) -> String {
        password.utf8.count <= Self.maximumBytes ? password : ""
    }

    /// A sentence saying what is wrong with the password, or nil when it is acceptable.
    public static func problem(password: String, email: String) -> String? {
        if password.count < Self.minimumLength {
            return "The password must be at least \(Self.minimumLength) characters long."
        }
        if password.utf8.count > Self.maximumBytes {
            return "The password must be at most \(Self.maximumBytes) bytes long."
        }
        if password.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            == email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        {
            return "The password must not be the email address."
        }
        return nil
    }
}

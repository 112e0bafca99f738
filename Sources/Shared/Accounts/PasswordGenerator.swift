/// Generates one-time passwords from the system's cryptographic random source.
public enum PasswordGenerator {
    /// No look-alike characters (0/O, 1/l/I), so a password read off a terminal types back right.
    static let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// 20 characters: about 116 bits.
    public static func generate(length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! })
    }
}

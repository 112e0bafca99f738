import Crypto
import Foundation

/// 256-bit random tokens for sessions, invites and API tokens. Only `hash` is ever stored.
public struct SecretToken: Sendable, Equatable {
    /// The token as the client holds it (base64url, no padding), with an optional prefix.
    public let value: String

    public init(value: String) {
        self.value = value
    }

    /// A fresh token from the system's cryptographic random source.
    public static func generate(prefix: String = "") -> SecretToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SecretToken(value: prefix + Base64URL.encode(Data(bytes)))
    }

    /// Hex SHA-256 of the token: what the database holds and lookups compare.
    public var hash: String { Self.hash(self.value) }

    public static func hash(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

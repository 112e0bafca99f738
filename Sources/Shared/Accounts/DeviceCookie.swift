import Crypto
import Foundation

/// OWASP's device cookie: after a successful sign-in the browser keeps a cookie, signed with
/// a key derived from `CRM_SECRET_KEY`, that names the account it signed in to. A sign-in that
/// brings a valid one for its account is counted on that device alone, so an IP-wide or
/// account-wide lock (a flood from behind the same proxy, someone guessing a colleague's
/// password) never keeps the team's own browsers out.
public struct DeviceCookie: Sendable {
    public static let name = "crm_device"
    /// How long a browser stays known without signing in again.
    public static let lifetime: TimeInterval = 180 * 24 * 3600

    private let key: SymmetricKey

    /// Without a secret key (development) the key lives as long as the process.
    public init(secretKey: Secret?) {
        let material = secretKey.map { SymmetricKey(data: Data($0.reveal().utf8)) } ?? SymmetricKey(size: .bits256)
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material,
            info: Data("venture-crm device cookie v1".utf8),
            outputByteCount: 32
        )
    }

    /// A new cookie value for `email`: a random device id and its signature.
    public func issue(email: String) -> String {
        let device = Base64URL.encode(Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }))
        return device + "." + self.signature(device: device, email: email)
    }

    /// The device id of `value` when it was issued by us for `email`, else nil.
    public func device(_ value: String, email: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 22, let given = Base64URL.decode(String(parts[1])) else { return nil }
        let device = String(parts[0])
        guard
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.message(device, email), using: self.key)
        else { return nil }
        return device
    }

    private func signature(device: String, email: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Self.message(device, email), using: self.key)))
    }

    private static func message(_ device: String, _ email: String) -> Data {
        Data("\(device)\n\(email.lowercased())".utf8)
    }
}

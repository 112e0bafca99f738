import Crypto
import Foundation

/// Seals mail bodies that carry a secret (an invite link) while they wait in the queue, so the
/// token is not in the database, or its backups, in clear. The key is derived from
/// `CRM_SECRET_KEY`; without one (development only) bodies are stored as they are.
public struct MailSeal: Sendable {
    private let key: SymmetricKey

    public init(secretKey: Secret) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(secretKey.reveal().utf8)),
            info: Data("venture-crm outbound mail v1".utf8),
            outputByteCount: 32
        )
    }

    /// The text as base64 of AES-GCM's nonce, ciphertext and tag.
    public func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: self.key).combined!.base64EncodedString()
    }

    /// The text, or nil when the box is not ours (another key) or damaged.
    public func open(_ box: String) -> String? {
        guard let data = Data(base64Encoded: box), let sealed = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(sealed, using: self.key)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}

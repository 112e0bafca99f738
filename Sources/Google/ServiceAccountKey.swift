import Foundation
import JWTKit
import Shared

/// A Google service account's JSON key, checked as Google's own libraries check it: a
/// `service_account` key with a client email, the numeric client id the Workspace admin
/// delegates to, an RSA private key that parses, and the token endpoint to sign in at.
public struct ServiceAccountKey: Sendable {
    public let clientEmail: String
    /// The number the Workspace admin enters under Domain Wide Delegation.
    public let clientId: String
    public let privateKeyId: String?
    /// Where assertions are exchanged for tokens, and the assertion's audience.
    public let tokenURI: String
    let privateKey: Insecure.RSA.PrivateKey

    public static let maximumBytes = 64 * 1024
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// The key in `data`, or a sentence saying what is wrong with it (never quoting the key).
    /// `tokenURL` replaces the key's `token_uri` (tests point it at a fake).
    public init(_ data: Data, tokenURL: String? = nil) throws(GoogleFailure) {
        guard data.count <= Self.maximumBytes else {
            throw Self.problem("The key is larger than 64 KB; is it the right file?")
        }
        guard case .object(let key)? = JSONValue.decode(String(decoding: data, as: UTF8.self)) else {
            throw Self.problem(
                "This is not a JSON key file. Download one in Google Cloud: IAM → Service accounts → Keys → Add key → JSON."
            )
        }
        guard key["type"] == "service_account" else {
            throw Self.problem("The JSON is not a service account key (its type is not service_account).")
        }
        guard case .string(let email)? = key["client_email"], EmailAddress.normalized(email) != nil else {
            throw Self.problem("The key has no client_email.")
        }
        guard case .string(let clientId)? = key["client_id"], !clientId.isEmpty, clientId.allSatisfy(\.isNumber) else {
            throw Self.problem("The key has no numeric client_id (the number Domain Wide Delegation is set up with).")
        }
        guard case .string(let pem)? = key["private_key"], pem.contains("-----BEGIN PRIVATE KEY-----") else {
            throw Self.problem("The key has no private_key.")
        }
        do {
            self.privateKey = try Insecure.RSA.PrivateKey(pem: pem)
        } catch {
            throw Self.problem("The key's private_key is not a readable RSA key of 2048 bits or more.")
        }
        if let universe = key["universe_domain"], universe != "googleapis.com" {
            throw Self.problem("The key is for another Google universe (universe_domain is not googleapis.com).")
        }
        var tokenURI = Self.defaultTokenURI
        if case .string(let given)? = key["token_uri"], !given.isEmpty { tokenURI = given }
        if let tokenURL { tokenURI = tokenURL }
        guard let url = URL(string: tokenURI), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
            throw Self.problem("The key's token_uri is not a web address.")
        }
        self.clientEmail = email
        self.clientId = clientId
        self.tokenURI = tokenURI
        if case .string(let id)? = key["private_key_id"], !id.isEmpty {
            self.privateKeyId = id
        } else {
            self.privateKeyId = nil
        }
    }

    /// The key saved at `path`; `.key` failures say it is missing or unreadable.
    public static func load(_ config: GoogleConfig) throws(GoogleFailure) -> ServiceAccountKey {
        guard let data = FileManager.default.contents(atPath: config.keyFile) else {
            throw Self.problem(
                "No service account key is saved. Save one with crm-scheduler set-service-account (or the "
                    + "StartOS action) to turn on Gmail sync."
            )
        }
        return try ServiceAccountKey(data, tokenURL: config.tokenURL)
    }

    static func problem(_ sentence: String) -> GoogleFailure { GoogleFailure(.key, sentence) }
}

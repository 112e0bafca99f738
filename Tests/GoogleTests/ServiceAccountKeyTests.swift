import CryptoExtras
import Foundation
import Testing

@testable import Google

/// A key file is taken only when Google would take it, and a refusal never quotes the key.
struct ServiceAccountKeyTests {
    static let pem = try! _RSA.Signing.PrivateKey(keySize: .bits2048).pkcs8PEMRepresentation

    func key(_ changes: [String: Any?] = [:]) -> Data {
        var fields: [String: Any] = [
            "type": "service_account", "project_id": "fund-crm", "private_key_id": "a1b2",
            "private_key": Self.pem, "client_email": "sync@fund-crm.iam.gserviceaccount.com",
            "client_id": "104857600", "token_uri": "https://oauth2.googleapis.com/token",
            "universe_domain": "googleapis.com",
        ]
        for (name, value) in changes { fields[name] = value }
        return try! JSONSerialization.data(withJSONObject: fields)
    }

    @Test func aKeyFromGoogleCloudReads() throws {
        let key = try ServiceAccountKey(self.key())
        #expect(key.clientEmail == "sync@fund-crm.iam.gserviceaccount.com")
        #expect(key.clientId == "104857600")
        #expect(key.privateKeyId == "a1b2")
        #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func theTokenAddressCanBeReplacedAndDefaultsToGoogles() throws {
        #expect(
            try ServiceAccountKey(self.key(), tokenURL: "http://127.0.0.1:9/token").tokenURI
                == "http://127.0.0.1:9/token"
        )
        #expect(try ServiceAccountKey(self.key(["token_uri": nil])).tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test(
        arguments: [
            (["type": "authorized_user"], "not a service account key"),
            (["client_email": nil], "no client_email"),
            (["client_id": "sync@fund"], "numeric client_id"),
            (["client_id": nil], "numeric client_id"),
            (["private_key": nil], "no private_key"),
            (
                [
                    "private_key":
                        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCsecret\n-----END PRIVATE KEY-----\n"
                ], "not a readable RSA key"
            ),
            (["universe_domain": "example.com"], "another Google universe"),
            (["token_uri": "file:///etc/passwd"], "not a web address"),
        ] as [([String: String?], String)]
    )
    func badKeysAreRefusedWithTheReason(change: [String: String?], reason: String) {
        #expect {
            try ServiceAccountKey(self.key(change.mapValues { $0 as Any? }))
        } throws: { error in
            let sentence = (error as? GoogleFailure)?.sentence ?? ""
            return sentence.contains(reason) && !sentence.contains("MIIE") && !sentence.contains("secret")
        }
    }

    @Test func notJSONAndOversizedAreRefused() {
        #expect(throws: GoogleFailure.self) { try ServiceAccountKey(Data("not json".utf8)) }
        #expect(throws: GoogleFailure.self) { try ServiceAccountKey(Data(repeating: 0x20, count: 70_000)) }
    }
}

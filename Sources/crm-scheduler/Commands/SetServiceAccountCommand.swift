import ArgumentParser
import Foundation
import Shared

/// `crm-scheduler set-service-account`: saves the Google service account key (JSON, read from
/// standard input, never from argv) as `GOOGLE_SERVICE_ACCOUNT_FILE` (default
/// `$CRM_DATA_DIR/secrets/google/service-account.json`, 0600), after checking it is one.
struct SetServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-service-account",
        abstract: "Save the Google service account key (JSON on standard input) for Gmail sync.",
        discussion:
            "The key is checked (a service_account key with a client email and a private key) and stored owner-only."
    )

    @Flag(help: "Remove the saved key (Gmail sync stops).")
    var clear = false

    static let maximumBytes = 64 * 1024

    func run() async throws {
        do {
            let environment = ProcessInfo.processInfo.environment
            let dataDir =
                environment["CRM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["CRM_ENV"] == "production" ? "/data" : "./.data")
            let path =
                environment["GOOGLE_SERVICE_ACCOUNT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
                ?? dataDir + "/secrets/google/service-account.json"
            let files = SecretFiles(directory: (path as NSString).deletingLastPathComponent)
            let name = (path as NSString).lastPathComponent
            if self.clear {
                try files.write(name, nil)
                try files.sync()
                print("Removed the service account key.")
                return
            }
            let input = FileHandle.standardInput.readData(ofLength: Self.maximumBytes + 1)
            let clientEmail = try Self.check(input)
            try files.write(name, String(decoding: input, as: UTF8.self))
            try files.sync()
            print("Saved the service account key of \(clientEmail).")
        } catch {
            throw StartupFailure.exit(error, command: "crm-scheduler set-service-account")
        }
    }

    /// The key's client email when `data` is a service account key; never echoes the key.
    static func check(_ data: Data) throws -> String {
        guard data.count <= Self.maximumBytes else {
            throw StartupFailure(.input, "the key is larger than 64 KB; is it the right file?")
        }
        guard case .object(let key)? = JSONValue.decode(String(decoding: data, as: UTF8.self)) else {
            throw StartupFailure(
                .input,
                "standard input is not a JSON key file (download one in Google Cloud: IAM → Service accounts → Keys)"
            )
        }
        guard key["type"] == "service_account" else {
            throw StartupFailure(.input, "the JSON is not a service account key (type is not service_account)")
        }
        guard case .string(let email)? = key["client_email"], EmailAddress.normalized(email) != nil else {
            throw StartupFailure(.input, "the key has no client_email")
        }
        guard case .string(let privateKey)? = key["private_key"], privateKey.contains("-----BEGIN PRIVATE KEY-----")
        else {
            throw StartupFailure(.input, "the key has no private_key")
        }
        return email
    }
}

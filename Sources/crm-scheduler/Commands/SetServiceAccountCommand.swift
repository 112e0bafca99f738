import ArgumentParser
import Foundation
import Google
import Shared

/// `crm-scheduler set-service-account`: saves the Google service account key (JSON, read from
/// standard input, never from argv) as `GOOGLE_SERVICE_ACCOUNT_FILE` (default
/// `$CRM_DATA_DIR/secrets/google/service-account.json`, 0600), after checking it is one.
struct SetServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-service-account",
        abstract: "Save the Google service account key (JSON on standard input) for Gmail sync.",
        discussion: "The key is checked (a service_account key with a client email, a numeric client ID, an RSA "
            + "private key that reads, a token address) and stored owner-only. Then run google-doctor."
    )

    @Flag(help: "Remove the saved key (Gmail sync stops).")
    var clear = false

    func run() async throws {
        do {
            let config = try GoogleConfig(environment: ProcessInfo.processInfo.environment)
            let files = SecretFiles(directory: (config.keyFile as NSString).deletingLastPathComponent)
            let name = (config.keyFile as NSString).lastPathComponent
            if self.clear {
                try files.write(name, nil)
                try files.sync()
                print("Removed the service account key.")
                return
            }
            let input = FileHandle.standardInput.readData(ofLength: ServiceAccountKey.maximumBytes + 1)
            let key: ServiceAccountKey
            do {
                key = try ServiceAccountKey(input)
            } catch {
                throw StartupFailure(.input, error.sentence)
            }
            try files.write(name, String(decoding: input, as: UTF8.self))
            try files.sync()
            print("Saved the service account key of \(key.clientEmail).")
            print("Domain Wide Delegation needs client ID \(key.clientId) with the scopes:")
            print(GoogleScope.allCases.map(\.rawValue).joined(separator: ","))
        } catch {
            throw StartupFailure.exit(error, command: "crm-scheduler set-service-account")
        }
    }
}

import Foundation
import Shared

/// The SMTP settings as per-field files under `$CRM_DATA_DIR/secrets/smtp/` (folder 0700, files
/// 0600), the form `docker_entrypoint.sh` and systemd's `LoadCredential=` hand to the mailer.
struct SMTPSettingsFiles {
    /// File name → the variable it fills.
    static let variables: KeyValuePairs<String, String> = [
        "host": "SMTP_HOST", "port": "SMTP_PORT", "from": "SMTP_FROM", "username": "SMTP_USER",
        "password": "SMTP_PASS", "security": "SMTP_SECURITY",
    ]

    let directory: String
    /// Prepended to each file name: "" in the data directory, "smtp_" among systemd credentials.
    let prefix: String

    init(dataDir: String) {
        self.directory = dataDir + "/secrets/smtp"
        self.prefix = ""
    }

    /// The files systemd hands crm-mailer through `LoadCredential=smtp:…` (`smtp_host`, …).
    init(credentialsDirectory: String) {
        self.directory = credentialsDirectory
        self.prefix = "smtp_"
    }

    /// The process environment with any `SMTP_*` it lacks filled from systemd credentials.
    static func environmentWithCredentials(_ environment: [String: String]) throws -> [String: String] {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return environment }
        return environment.merging(try SMTPSettingsFiles(credentialsDirectory: directory).environment()) { mine, _ in
            mine
        }
    }

    /// Replaces the settings, each file atomically (`SecretFiles`); absent values are removed.
    func write(_ values: [String: String]) throws {
        let files = SecretFiles(directory: self.directory)
        for (name, _) in Self.variables { try files.write(name, values[name]) }
        try files.sync()
    }

    /// Removes every settings file (mail stays queued until SMTP is configured again).
    func clear() throws {
        try self.write([:])
    }

    /// The saved settings as `SMTP_*` variables, for `--check` of what is saved.
    func environment() throws -> [String: String] {
        var environment: [String: String] = [:]
        for (name, variable) in Self.variables {
            let path = self.directory + "/" + self.prefix + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o077 == 0 else {
                throw Self.failure("\(path) can be read by others: chmod 600 it")
            }
            var value = try String(contentsOfFile: path, encoding: .utf8)
            // An editor's final newline is not part of the value (the entrypoint drops it too).
            if value.hasSuffix("\n") { value.removeLast() }
            environment[variable] = value
        }
        return environment
    }

    private static func failure(_ message: String) -> StartupFailure {
        StartupFailure(.cannotOpen, message)
    }
}

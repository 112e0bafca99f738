import ArgumentParser
import Foundation
import Shared

/// `crm-mailer configure-smtp`: validates and saves the SMTP settings (the password from stdin,
/// never argv or the environment), clears them, or checks them against the server.
struct ConfigureSMTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure-smtp",
        abstract: "Save, clear or check the SMTP settings. The password is read from standard input.",
        discussion: """
            Save:   printf '%s' "$PASSWORD" | crm-mailer configure-smtp --host smtp.example.com --port 587 \\
                        --from 'CRM <crm@example.com>' --username crm@example.com --security starttls
            Check:  crm-mailer configure-smtp --check            (the saved settings; sends nothing)
            Clear:  crm-mailer configure-smtp --clear
            The mailer applies saved settings when it next starts.
            """
    )

    @Option(help: "SMTP server host name or IP address.") var host: String?
    @Option(help: "SMTP port (default: 587 for starttls, 465 for tls, 25 for none).") var port: Int?
    @Option(help: "Sender, e.g. 'Venture CRM <crm@example.com>'.") var from: String?
    @Option(help: "Username for SMTP AUTH; the password is then read from standard input.") var username: String?
    @Option(help: "starttls (required upgrade), tls (implicit) or none.") var security: String = "starttls"
    @Flag(help: "Connect, negotiate TLS and authenticate without sending: the given settings, else the saved ones.")
    var check = false
    @Flag(help: "Remove the saved settings.") var clear = false

    func run() async throws {
        do {
            let config = try CRMConfig(environment: ProcessInfo.processInfo.environment)
            let files = SMTPSettingsFiles(dataDir: config.dataDir)
            if self.clear {
                guard self.host == nil, !self.check else {
                    throw StartupFailure(.input, "--clear takes no other option")
                }
                try files.clear()
                print("SMTP settings cleared; queued mail waits until SMTP is configured again.")
                return
            }
            if self.host == nil {
                guard self.check else {
                    throw StartupFailure(.input, "give --host and --from (or --check, or --clear)")
                }
                try await Self.check(environment: try files.environment(), described: "the saved settings")
                return
            }
            let values = try self.validatedValues()
            if self.check {
                try await Self.check(environment: Self.environment(values), described: "these settings")
                return
            }
            try files.write(values)
            print(
                "SMTP settings saved to \(files.directory) (\(values["security"] ?? "")://\(values["host"] ?? ""):\(values["port"] ?? ""))."
            )
            print("The mailer applies them when it next starts; test them with: crm-mailer configure-smtp --check")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw StartupFailure.exit(error, command: "crm-mailer configure-smtp")
        }
    }

    /// Every value checked by the same rules the mailer loads them with, the password read last.
    func validatedValues() throws -> [String: String] {
        guard let security = SMTPConfig.Security(rawValue: self.security.lowercased()) else {
            throw StartupFailure(.input, "--security must be one of starttls, tls, none")
        }
        guard let host = self.host, !host.isEmpty, host.utf8.count <= 253,
            !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" || $0 == "\0" })
        else { throw StartupFailure(.input, "--host must be a host name or IP address") }
        let port = self.port ?? (security == .starttls ? 587 : security == .tls ? 465 : 25)
        guard (1...65535).contains(port) else { throw StartupFailure(.input, "--port must be from 1 to 65535") }
        guard let from = self.from, Mailbox(from) != nil, from.utf8.count <= 320 else {
            throw StartupFailure(.input, "--from must be an address, optionally with a name: 'CRM <crm@example.com>'")
        }
        var values = [
            "host": host, "port": String(port), "from": from.trimmingCharacters(in: .whitespaces),
            "security": security.rawValue,
        ]
        if let username = self.username {
            guard !username.isEmpty, username.utf8.count <= 256,
                !username.contains(where: { $0.isNewline || $0 == "\0" })
            else {
                throw StartupFailure(.input, "--username must be one line of at most 256 bytes")
            }
            values["username"] = username
            values["password"] = try Self.readPassword()
        }
        return values
    }

    /// The password from standard input: the first line when piped, or typed without echo.
    static func readPassword() throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            guard let typed = getpass("SMTP password: ") else { throw StartupFailure(.input, "no password given") }
            password = String(cString: typed)
        } else {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard data.count <= 4096 else { throw StartupFailure(.input, "the password on standard input is too long") }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            if text.hasSuffix("\r") { text.removeLast() }
            password = text
        }
        guard !password.isEmpty else {
            throw StartupFailure(.input, "the password is read from standard input, and it was empty")
        }
        guard !password.contains(where: { $0.isNewline || $0 == "\0" }), password.utf8.count <= 1024 else {
            throw StartupFailure(.input, "the password must be one line of at most 1024 bytes")
        }
        return password
    }

    static func environment(_ values: [String: String]) -> [String: String] {
        var environment: [String: String] = [:]
        for (name, variable) in SMTPSettingsFiles.variables { environment[variable] = values[name] }
        return environment
    }

    /// Tries the settings against the server; prints a sanitized outcome; exit 1 on failure.
    static func check(environment files: [String: String], described: String) async throws {
        // Timeouts and a private CA come from the environment, the account from the settings.
        var environment = ProcessInfo.processInfo.environment.filter {
            $0.key.hasPrefix("SMTP_") && !SMTPSettingsFiles.variables.map(\.value).contains($0.key)
        }
        environment.merge(files) { _, file in file }
        guard let smtp = try SMTPConfig.load(environment: environment) else {
            throw StartupFailure(.input, "\(described) name no SMTP host: nothing to check")
        }
        Curl.initialize()
        switch await SMTPClient(config: smtp).check() {
        case .success:
            let login = smtp.username.map { " and signed in as \($0)" } ?? ""
            print(
                "SMTP check passed: connected to \(smtp.host):\(smtp.port) (\(smtp.security.rawValue))\(login). Nothing was sent."
            )
        case .failure(let failure):
            var standardError = StandardError()
            print("SMTP check failed: \(failure)", to: &standardError)
            throw ExitCode(1)
        }
    }
}

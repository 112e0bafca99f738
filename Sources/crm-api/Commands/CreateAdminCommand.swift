import ArgumentParser
import Foundation
import Shared

/// `crm-api create-admin`: creates an admin account. The password comes from stdin (never from
/// argv or the environment), or is generated and printed once with `--generate-password`.
struct CreateAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin account.",
        discussion: """
            The password is read from standard input (one line), or generated with --generate-password \
            and printed once; a generated password must be changed at first sign-in.
            """
    )

    @Option(help: "The admin's email address.")
    var email: String

    @Option(help: "The admin's display name (default: the part of the email before @).")
    var name: String?

    @Flag(help: "Generate a one-time password and print it, instead of reading one from stdin.")
    var generatePassword = false

    @Flag(help: "Do nothing (and exit 0) when an active admin already exists.")
    var ifNoAdmin = false

    func run() async throws {
        do {
            let accounts = try AdminCommandSupport.accounts()
            if self.ifNoAdmin, try await accounts.hasActiveAdmin() {
                print("An admin account already exists; none created.")
                return
            }
            let password = try self.generatePassword ? PasswordGenerator.generate() : Self.readPassword()
            let user: User
            do {
                user = try await accounts.createAdmin(
                    email: self.email,
                    name: self.name,
                    password: password,
                    mustChangePassword: self.generatePassword
                )
            } catch let failure as AccountCreation.Failure {
                throw StartupFailure(.input, failure.description)
            }
            print("Created admin \(user.email)")
            if self.generatePassword {
                print("One-time password: \(password)")
                print("It is shown only this once; you will be asked to change it at first sign-in.")
            }
        } catch {
            throw StartupFailure.exit(error, command: "crm-api create-admin")
        }
    }

    /// One line from stdin, without echo when stdin is a terminal.
    static func readPassword() throws -> String {
        let line: String?
        if isatty(STDIN_FILENO) == 1 {
            line = getpass("Password for the new admin: ").map { String(cString: $0) }
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let password = line?.trimmingCharacters(in: CharacterSet(charactersIn: "\r")), !password.isEmpty else {
            throw StartupFailure(.input, "no password on standard input (or use --generate-password)")
        }
        return password
    }
}

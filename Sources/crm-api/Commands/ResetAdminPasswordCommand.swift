import ArgumentParser
import Foundation
import Shared

/// `crm-api reset-admin-password`: a one-time password for an active admin who is locked out
/// (printed once; it must be changed at sign-in, and their sessions end). What the StartOS action
/// and an operator on the box run.
struct ResetAdminPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-admin-password",
        abstract: "Give an admin a one-time password (printed once) and end their sessions."
    )

    @Option(help: "The admin's email address.")
    var email: String

    func run() async throws {
        do {
            let accounts = try AdminCommandSupport.accounts()
            let password = PasswordGenerator.generate()
            let user: User
            do {
                user = try await accounts.resetAdminPassword(email: self.email, password: password, now: Date())
            } catch let failure as AccountCreation.Failure {
                throw StartupFailure(.input, failure.description)
            }
            print("Reset the password of \(user.email); their sessions have ended.")
            print("One-time password: \(password)")
            print("It is shown only this once; it must be changed at the next sign-in.")
        } catch {
            throw StartupFailure.exit(error, command: "crm-api reset-admin-password")
        }
    }
}

import ArgumentParser
import Foundation

/// A reason a daemon or command cannot start, with the exit code it ends with.
public struct StartupFailure: Error, CustomStringConvertible {
    /// Exit codes (sysexits.h) the README documents.
    public enum Code: Int32, Sendable {
        /// A configuration value is missing or invalid.
        case configuration = 78
        /// The database schema is not the one this binary expects: run `crm-api migrate`.
        case schema = 75
        /// The data directory or database could not be opened.
        case cannotOpen = 74
        /// The command's input was unusable.
        case input = 65
        /// The daemon failed while running.
        case failure = 1
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// Prints `<command>: <message>` to stderr and exits with the failure's code.
    public static func exit(_ error: any Error, command: String) -> ExitCode {
        let failure: StartupFailure =
            switch error {
            case let failure as StartupFailure: failure
            case let config as ConfigError: StartupFailure(.configuration, config.description)
            default: StartupFailure(.failure, "stopped on an error: \(error)")
            }
        var standardError = StandardError()
        print("\(command): \(failure.description)", to: &standardError)
        return ExitCode(failure.code.rawValue)
    }
}

/// `print(…, to:)` target for stderr.
public struct StandardError: TextOutputStream {
    public init() {}
    public mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

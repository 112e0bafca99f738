/// A configuration value that cannot be used, named by its environment variable.
///
/// `description` is the one line a daemon prints before it exits; it never contains the value of
/// a secret.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public let variable: String
    public let reason: String

    public init(_ variable: String, _ reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "configuration error: \(self.variable) \(self.reason)" }
}

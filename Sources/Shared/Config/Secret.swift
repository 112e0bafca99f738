/// A secret string that prints as `<redacted>`, so interpolating it into a log line or an error
/// cannot leak it. Read the value with `reveal()` only where it is used.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    public func reveal() -> String { self.value }
    public var byteCount: Int { self.value.utf8.count }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

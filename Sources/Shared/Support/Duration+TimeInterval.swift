import Foundation

extension Duration {
    /// The duration in seconds, for `Date` arithmetic and C APIs that take seconds or milliseconds.
    public var timeInterval: TimeInterval {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

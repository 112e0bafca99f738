/// A 24-hour wall-clock time written "HH:MM" (the digest's and the nightly backup's time).
public struct TimeOfDay: Sendable, Equatable {
    public let hour: Int
    public let minute: Int

    /// Parses exactly "HH:MM"; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.count == 5, parts.count == 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour),
            (0...59).contains(minute)
        else { return nil }
        (self.hour, self.minute) = (hour, minute)
    }
}

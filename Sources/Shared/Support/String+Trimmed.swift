extension StringProtocol {
    /// Without leading and trailing white space and line breaks (Unicode White_Space), in native
    /// Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and was a
    /// fifth of an import's time.
    public var trimmed: String {
        guard let first = self.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = self.lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

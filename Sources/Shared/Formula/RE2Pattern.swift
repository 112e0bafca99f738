import CRE2Shim
import Foundation
import Synchronization

/// A compiled RE2 pattern: matching takes time linear in the input, so a user's pattern cannot
/// hang a request (docs/DECISIONS.md, "Regular expressions"). RE2 is thread-safe; one compiled pattern is shared.
final class RE2Pattern: @unchecked Sendable {
    private let handle: OpaquePointer
    let groupCount: Int

    private static let cache = Mutex<[String: RE2Pattern]>([:])

    /// The compiled pattern, from a small cache; throws RE2's message for a pattern it refuses.
    static func compiled(_ pattern: String, limits: FormulaLimits) throws(FormulaFault) -> RE2Pattern {
        if let cached = Self.cache.withLock({ $0[pattern] }) { return cached }
        guard pattern.utf16.count <= limits.maxPatternLength else {
            throw FormulaFault(.error, "The regular expression is longer than \(limits.maxPatternLength) characters.")
        }
        var error = [CChar](repeating: 0, count: 256)
        let bytes = Array(pattern.utf8) + [0]
        let handle = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cre2shim_compile(chars.baseAddress, pattern.utf8.count, limits.maxPatternMemory, &error, error.count)
            }
        }
        guard let handle else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FormulaFault(.error, "The regular expression is not valid: \(message).")
        }
        let compiled = RE2Pattern(handle)
        Self.cache.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }
            cache[pattern] = compiled
        }
        return compiled
    }

    private init(_ handle: OpaquePointer) {
        self.handle = handle
        self.groupCount = Int(cre2shim_group_count(handle))
    }

    deinit { cre2shim_free(self.handle) }

    /// Every match in `text` in order, as byte ranges of the whole match and each group.
    /// An empty match advances by one character so the search always ends.
    func matches(in text: [UInt8], limit: Int = .max) -> [[Range<Int>?]] {
        var found: [[Range<Int>?]] = []
        self.forEachMatch(in: text) { groups in
            found.append(groups)
            return found.count < limit
        }
        return found
    }

    /// Calls `body` with each match in order, one at a time (a pattern with many groups over a
    /// long text would otherwise hold every match's groups at once), until it returns false.
    func forEachMatch(in text: [UInt8], _ body: ([Range<Int>?]) -> Bool) {
        var start = 0
        var offsets = [Int64](repeating: -1, count: 2 * (self.groupCount + 1))
        // A terminator keeps the buffer's address non-null even for empty text.
        let terminated = text + [0]
        while start <= text.count {
            let hit = terminated.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    cre2shim_find(self.handle, chars.baseAddress, text.count, start, &offsets, Int32(self.groupCount))
                }
            }
            guard hit == 1 else { break }
            let groups = (0...self.groupCount).map { index -> Range<Int>? in
                offsets[2 * index] < 0 ? nil : Int(offsets[2 * index])..<Int(offsets[2 * index + 1])
            }
            let whole = groups[0]!
            if whole.isEmpty {
                var next = whole.upperBound + 1
                while next < text.count, text[next] & 0xC0 == 0x80 { next += 1 }
                start = next
            } else {
                start = whole.upperBound
            }
            guard body(groups) else { break }
        }
    }
}

/// Finding text inside text in time linear in both lengths (Knuth–Morris–Pratt over
/// characters as people see them), so `FIND`, `SEARCH` and `SUBSTITUTE` cost what they charge
/// however the needle repeats itself.
struct TextSearch {
    let needle: [Character]
    /// `failure[i]`: the length of the longest proper prefix of `needle[0...i]` that is also its suffix.
    private let failure: [Int]

    init(_ needle: [Character]) {
        self.needle = needle
        var failure = [Int](repeating: 0, count: needle.count)
        var length = 0
        var index = 1
        while index < needle.count {
            if needle[index] == needle[length] {
                length += 1
                failure[index] = length
                index += 1
            } else if length > 0 {
                length = failure[length - 1]
            } else {
                index += 1
            }
        }
        self.failure = failure
    }

    /// Start offsets of the non-overlapping occurrences in `haystack` from offset `start`, left to
    /// right, at most `limit` of them. An empty needle is found nowhere.
    func occurrences(in haystack: [Character], from start: Int = 0, limit: Int = .max) -> [Int] {
        guard !self.needle.isEmpty, limit > 0 else { return [] }
        var found: [Int] = []
        var matched = 0
        var index = max(0, start)
        while index < haystack.count {
            if haystack[index] == self.needle[matched] {
                matched += 1
                index += 1
                if matched == self.needle.count {
                    found.append(index - matched)
                    if found.count == limit { break }
                    matched = 0
                }
            } else if matched > 0 {
                matched = self.failure[matched - 1]
            } else {
                index += 1
            }
        }
        return found
    }
}

import Foundation

/// RFC 2047 encoded words for header text that is not plain ASCII (subjects, display names).
enum EncodedWords {
    /// The text as is when it is printable ASCII, else as `=?UTF-8?B?…?=` words split on
    /// character boundaries and separated by folding white space, so that no line exceeds 78
    /// characters. `used` is how much of the first line the header name already takes.
    static func encode(_ text: String, used: Int = 0) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !text.contains("=?") {
            return text
        }
        // A word is "=?UTF-8?B?" + base64 + "?=", at most 75 characters; a folded line starts
        // with one space. Base64 takes 3 bytes to 4 characters.
        func capacity(_ room: Int) -> Int { max(3, (min(75, room) - 12) / 4 * 3) }
        var limit = capacity(78 - used)
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append(Self.word(chunk))
                chunk = []
                limit = capacity(77)
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(Self.word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

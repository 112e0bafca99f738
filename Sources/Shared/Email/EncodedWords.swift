import Foundation

/// RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`) in header values. Gmail
/// usually decodes them already; some reach us anyway. Whitespace between two encoded words is
/// dropped, as the RFC says; a malformed word stays as it was.
public enum EncodedWords {
    public static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var output = ""
        var rest = Substring(value)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            if let (decoded, after) = Self.word(rest[start.lowerBound...]) {
                if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { output += before }
                output += decoded
                lastWasEncoded = true
                rest = after
            } else {
                output += before + "=?"
                lastWasEncoded = false
                rest = rest[start.upperBound...]
            }
        }
        return output + rest
    }

    /// `=?charset?encoding?text?=` at the start of `text`, decoded, and what follows it.
    private static func word(_ text: Substring) -> (String, Substring)? {
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), !parts[0].isEmpty, parts[2].count <= 1000,
            !parts[2].contains(where: \.isWhitespace)
        else { return nil }
        // RFC 2231 language suffix: `utf-8*en`.
        let charset = String(parts[0].split(separator: "*").first ?? "")
        let bytes: [UInt8]?
        switch parts[1].lowercased() {
        case "b": bytes = Base64URL.decode(String(parts[2])).map(Array.init)
        case "q": bytes = Self.quoted(parts[2])
        default: bytes = nil
        }
        guard let bytes else { return nil }
        return (Charset.decode(bytes, charset: charset), parts[3].dropFirst())
    }

    /// The Q encoding: `_` is a space, `=XX` a byte.
    private static func quoted(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "_"): bytes.append(0x20)
            case UInt8(ascii: "="):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return bytes
    }
}

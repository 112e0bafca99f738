import Foundation

/// Quoted-printable (RFC 2045 §6.7) for message bodies: CRLF line ends, lines of at most 76
/// characters with soft breaks, every non-ASCII byte, `=` and a line's trailing blank encoded.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        var output = ""
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\r\n" }
            output += Self.encodeLine(Array(line.utf8))
        }
        return output
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var width = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let plain =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !isLast)
            // A "." opening a line is encoded so no relay can mistake it for the end of the data.
            let guarded = width == 0 && byte == UInt8(ascii: ".")
            let token = plain && !guarded ? String(UnicodeScalar(byte)) : Self.escape(byte)
            // Leave room for the soft break "=" within 76 characters.
            if width + token.count > 75 {
                output += "=\r\n"
                width = 0
            }
            output += token
            width += token.count
        }
        return output
    }

    private static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}

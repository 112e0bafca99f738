import Foundation

/// HTML mail as plain text, by a tolerant tag scanner (mail HTML is rarely well formed): no
/// scripts, styles, comments or hidden elements; quoted replies removed the way each mail
/// program marks them (Gmail's `gmail_quote`, Apple's and Thunderbird's `blockquote type=cite`,
/// Yahoo's `yahoo_quoted`; everything from Outlook's reply header on); block ends as line breaks;
/// entities decoded. Links keep their text, never their address.
enum HTMLText {
    /// Elements whose content is never text.
    private static let dropped: Set<String> = [
        "script", "style", "head", "title", "template", "noscript", "svg", "object",
    ]
    /// Elements that end a line.
    private static let blocks: Set<String> = [
        "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol", "pre",
        "hr",
    ]
    private static let void: Set<String> = [
        "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr",
    ]

    static func plain(_ html: String) -> String {
        var output = ""
        var skipping: (name: String, depth: Int)? = nil
        var rest = Substring(html)
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "<") else {
                if skipping == nil { output += Self.entities(rest) }
                break
            }
            if skipping == nil { output += Self.entities(rest[..<open]) }
            rest = rest[open...]
            if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { break }
                rest = rest[end.upperBound...]
                continue
            }
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = Tag(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
            guard let tag else { continue }
            if var skip = skipping {
                if tag.name == skip.name && !Self.void.contains(tag.name) {
                    skip.depth += tag.closing ? -1 : (tag.selfClosing ? 0 : 1)
                }
                skipping = skip.depth > 0 ? skip : nil
                continue
            }
            if tag.closing {
                if Self.blocks.contains(tag.name) { output += "\n" }
                continue
            }
            if tag.cutsTheRest { break }
            if Self.dropped.contains(tag.name) || tag.isQuote || tag.isHidden {
                if !tag.selfClosing && !Self.void.contains(tag.name) { skipping = (tag.name, 1) }
                continue
            }
            if Self.blocks.contains(tag.name) { output += "\n" }
        }
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// One tag's name and the attributes the scanner reads.
    private struct Tag {
        let name: String
        let closing: Bool
        let selfClosing: Bool
        let attributes: String

        init?(_ raw: Substring) {
            var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            self.closing = text.hasPrefix("/")
            if self.closing { text.removeFirst() }
            self.selfClosing = text.hasSuffix("/")
            let name = text.prefix { $0.isLetter || $0.isNumber }.lowercased()
            guard !name.isEmpty else { return nil }
            self.name = name
            self.attributes = String(text.dropFirst(name.count)).lowercased()
        }

        var isQuote: Bool {
            (self.attributes.contains("gmail_quote") && !self.attributes.contains("gmail_quote_container"))
                || (self.name == "blockquote" && self.attributes.contains("type=\"cite\""))
                || self.attributes.contains("yahoo_quoted") || self.attributes.contains("moz-cite-prefix")
        }

        var isHidden: Bool {
            let compact = self.attributes.replacingOccurrences(of: " ", with: "")
            return compact.contains("display:none") || compact.contains("visibility:hidden")
                || compact.contains("font-size:0") || compact.contains("max-height:0")
                || self.attributes.range(of: #"(^|\s)hidden(\s|=|$)"#, options: .regularExpression) != nil
        }

        /// Outlook's reply header: everything after it is the quoted thread.
        var cutsTheRest: Bool {
            self.attributes.contains("divrplyfwdmsg") || self.attributes.contains("olk_src_body_section")
                || (self.name == "hr" && self.attributes.contains("__divider__"))
        }
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "hellip": "…", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "euro": "€", "copy": "©",
        "reg": "®", "trade": "™", "bull": "•", "middot": "·", "zwnj": "", "zwj": "", "shy": "",
    ]

    static func entities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text).replacingOccurrences(of: "\n", with: " ") }
        var output = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.prefix(12).firstIndex(of: ";") else {
                output += "&"
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semi]
            var decoded: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map {
                    String(Character($0))
                }
            } else if name.hasPrefix("#") {
                decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                decoded = Self.named[name.lowercased()]
            }
            if let decoded {
                output += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                output += "&"
                rest = rest.dropFirst()
            }
        }
        return (output + rest).replacingOccurrences(of: "\n", with: " ")
    }
}

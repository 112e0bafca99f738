import Foundation

/// One part of a message's MIME tree as Gmail hands it over (`format=full`): its type, its own
/// headers, its content already transfer-decoded (Gmail undoes base64 and quoted-printable),
/// and its children.
public struct MailPart: Sendable {
    public let mimeType: String
    public let filename: String
    public let headers: [(name: String, value: String)]
    public let data: Data?
    public let parts: [MailPart]

    public init(
        mimeType: String,
        filename: String = "",
        headers: [(name: String, value: String)] = [],
        data: Data? = nil,
        parts: [MailPart] = []
    ) {
        self.mimeType = mimeType.lowercased()
        self.filename = filename
        self.headers = headers
        self.data = data
        self.parts = parts
    }

    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The `charset` parameter of the part's Content-Type.
    var charset: String? {
        guard let type = self.header("Content-Type") else { return nil }
        for parameter in type.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            }
        }
        return nil
    }

    /// A file attached, not text of the message.
    var isAttachment: Bool {
        !self.filename.isEmpty || self.header("Content-Disposition")?.lowercased().hasPrefix("attachment") == true
    }

    var text: String? { self.data.map { Charset.decode($0, charset: self.charset) } }
}

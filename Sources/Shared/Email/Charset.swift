import Foundation

/// Bytes of mail text in a named charset, as a string that never fails: unknown labels and
/// invalid bytes fall back to UTF-8, then Windows-1252 (what mislabelled `iso-8859-1` and
/// `us-ascii` mail really holds), with replacement characters where nothing fits.
public enum Charset {
    public static func decode(_ bytes: some Collection<UInt8>, charset label: String?) -> String {
        let data = Data(bytes)
        let name = (label ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).lowercased()
        if let encoding = Self.encodings[name], encoding != .utf8, encoding != .ascii,
            let text = String(data: data, encoding: encoding)
        {
            return text
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        if let text = String(data: data, encoding: .windowsCP1252) { return text }
        return String(decoding: data, as: UTF8.self)
    }

    /// Labels seen in mail, and their aliases, to Foundation's encodings.
    static let encodings: [String: String.Encoding] = [
        "utf-8": .utf8, "utf8": .utf8, "us-ascii": .ascii, "ascii": .ascii,
        "iso-8859-1": .windowsCP1252, "latin1": .windowsCP1252, "iso_8859-1": .windowsCP1252, "l1": .windowsCP1252,
        "windows-1252": .windowsCP1252, "cp1252": .windowsCP1252,
        "iso-8859-2": .isoLatin2, "latin2": .isoLatin2, "windows-1250": .windowsCP1250, "cp1250": .windowsCP1250,
        "windows-1251": .windowsCP1251, "cp1251": .windowsCP1251, "windows-1253": .windowsCP1253,
        "windows-1254": .windowsCP1254, "shift_jis": .shiftJIS, "shift-jis": .shiftJIS, "sjis": .shiftJIS,
        "x-sjis": .shiftJIS, "cp932": .shiftJIS, "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP,
        "utf-16": .utf16, "utf-16le": .utf16LittleEndian, "utf-16be": .utf16BigEndian,
    ]
}

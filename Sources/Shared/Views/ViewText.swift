import Foundation
import GRDB

/// Text as views compare it: Unicode case folding, so `Straße` matches `STRASSE` and `É` matches
/// `é`, the same in SQL (`crm_fold`, registered on every connection) and in Swift.
public enum ViewText {
    public static func fold(_ text: String) -> String {
        // Most names are ASCII: lower-case those bytes without Foundation's slower path.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        return text.folding(options: [.caseInsensitive], locale: nil)
    }

    /// `crm_fold(x)`: the folded text of a text value, NULL stays NULL, other values as text.
    public static let sqlFunction = DatabaseFunction("crm_fold", argumentCount: 1, pure: true) { values in
        switch values[0].storage {
        case .null: return nil
        case .string(let text): return Self.fold(text)
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .blob: return nil
        }
    }
}

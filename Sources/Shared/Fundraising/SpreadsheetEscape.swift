/// Keeps exported text from running as a spreadsheet formula (OWASP's CSV injection advice):
/// a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
/// Excel, Sheets and LibreOffice show as text. A cell that already starts with `'` before such a
/// character gets one more, so `unescape` undoes exactly what `escape` did and our own export
/// imports back unchanged. Numbers are never passed through here: `-5` stays a number.
public enum SpreadsheetEscape {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    public static func escape(_ cell: String) -> String {
        Self.needsEscape(Substring(cell)) ? "'" + cell : cell
    }

    public static func unescape(_ cell: String) -> String {
        guard cell.first == "'", Self.needsEscape(cell.dropFirst()) else { return cell }
        return String(cell.dropFirst())
    }

    static func needsEscape(_ cell: Substring) -> Bool {
        guard let first = cell.first else { return false }
        if Self.triggers.contains(first) { return true }
        return first == "'" && Self.needsEscape(cell.dropFirst())
    }
}

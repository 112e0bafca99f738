/// The type of a field in the catalog; decides how its values are checked and stored.
public enum FieldType: String, Codable, CaseIterable, Sendable {
    case text, longText = "long_text", number, currency, percent, date, datetime, checkbox
    case singleSelect = "single_select", multiSelect = "multi_select", email, url, phone, rating, link
    case formula, createdTime = "created_time", lastModifiedTime = "last_modified_time", lastModifiedBy = "last_modified_by"

    /// Values the server computes; a write to one is refused.
    public var isComputed: Bool { self == .formula || self.isRecordMetadata }

    /// Read from the record's own columns (`created_at`, `updated_at`, `last_modified_by`)
    /// rather than stored as a value; formula results, though computed, are stored.
    public var isRecordMetadata: Bool {
        switch self {
        case .createdTime, .lastModifiedTime, .lastModifiedBy: true
        default: false
        }
    }
}

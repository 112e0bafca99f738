/// The type of a field in the catalog; decides how its values are checked and stored.
public enum FieldType: String, Codable, CaseIterable, Sendable {
    case text
    case longText = "long_text"
    case number, currency, percent, date, datetime, checkbox
    case singleSelect = "single_select"
    case multiSelect = "multi_select"
    case email, url, phone, rating, link
    case formula
    case createdTime = "created_time"
    case lastModifiedTime = "last_modified_time"
    case lastModifiedBy = "last_modified_by"

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

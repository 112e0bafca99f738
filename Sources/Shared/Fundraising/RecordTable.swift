/// The four fundraising tables, as `:table` names them in the API.
public enum RecordTable: String, CaseIterable, Codable, Sendable {
    case investors
    case contacts
    case funds
    case commitments

    /// The SQLite table.
    public var sqlTable: String { "fundraising_" + self.rawValue }
}

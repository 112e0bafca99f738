import GRDB

/// A record whose table deletes softly: deleting sets `deleted_at` and keeps the row, so it can
/// be restored. Every ordinary read of such a table starts from `live()`;
/// `scripts/lint/live_reads.py` (run by `scripts/test`) fails on SQL that reads one without
/// `deleted_at` and on a query of such a record type that does not start from `live()`.
public protocol SoftDeletable: TableRecord {}

extension DerivableRequest where RowDecoder: SoftDeletable {
    /// Rows that are not deleted: the first data rule.
    public func live() -> Self { self.filter(Column("deleted_at") == nil) }
}

/// The tables that delete softly, for the SQL written by hand (record tables, joins) and the lint.
public enum SoftDeletedTables {
    public static let names: Set<String> = [
        "users", "fundraising_investors", "fundraising_contacts", "fundraising_funds", "fundraising_commitments",
        "fundraising_fields", "feature_requests", "backups", "outbound_mail", "views", "email_messages",
        "communications",
    ]
}

import GRDB

/// The one append-only migrator for the whole schema. Each issue appends its own migration;
/// a migration is never edited once it has shipped.
public enum Migrations {
    public static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Migration001Foundation.identifier, migrate: Migration001Foundation.apply)
        migrator.registerMigration(Migration002Accounts.identifier, migrate: Migration002Accounts.apply)
        migrator.registerMigration(Migration003Fundraising.identifier, migrate: Migration003Fundraising.apply)
        migrator.registerMigration(Migration004FeatureRequests.identifier, migrate: Migration004FeatureRequests.apply)
        migrator.registerMigration(Migration005Backups.identifier, migrate: Migration005Backups.apply)
        migrator.registerMigration(Migration006OutboundMail.identifier, migrate: Migration006OutboundMail.apply)
        migrator.registerMigration(Migration007Restore.identifier, migrate: Migration007Restore.apply)
        migrator.registerMigration(Migration008Views.identifier, migrate: Migration008Views.apply)
        migrator.registerMigration(Migration009Import.identifier, migrate: Migration009Import.apply)
        migrator.registerMigration(Migration010Formulas.identifier, migrate: Migration010Formulas.apply)
        migrator.registerMigration(Migration011Hardening.identifier, migrate: Migration011Hardening.apply)
        migrator.registerMigration(Migration012MailDelivery.identifier, migrate: Migration012MailDelivery.apply)
        migrator.registerMigration(Migration013EmailAccounts.identifier, migrate: Migration013EmailAccounts.apply)
        migrator.registerMigration(Migration014EmailCapture.identifier, migrate: Migration014EmailCapture.apply)
        migrator.registerMigration(Migration015EmailRetries.identifier, migrate: Migration015EmailRetries.apply)
        migrator.registerMigration(
            Migration016RelationshipSignals.identifier,
            migrate: Migration016RelationshipSignals.apply
        )
        migrator.registerMigration(Migration017EmailErasures.identifier, migrate: Migration017EmailErasures.apply)
        migrator.registerMigration(Migration018EmailDoctor.identifier, migrate: Migration018EmailDoctor.apply)
        migrator.registerMigration(Migration019Communications.identifier, migrate: Migration019Communications.apply)
        migrator.registerMigration(Migration020EmailSearch.identifier, migrate: Migration020EmailSearch.apply)
        return migrator
    }()

    /// Identifiers of every migration this binary knows, oldest first.
    public static var identifiers: [String] { Self.migrator.migrations }

    /// SQL for "now" in the same text format GRDB uses for `Date` ("YYYY-MM-DD HH:MM:SS.SSS", UTC).
    static let now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
}

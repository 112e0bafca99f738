import Foundation
import GRDB

extension CaptureRules.Context {
    /// The context as the database has it now: live contacts and investors only, so a deleted
    /// contact's mail is no longer captured.
    public static func load(_ db: Database, settings: AppSettings.Values? = nil) throws -> Self {
        let settings = try settings ?? AppSettings.values(db)
        var contacts: [String: (contact: Int64, investor: Int64?)] = [:]
        let contactRows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, i.id AS investor_id, e.value AS email
                FROM fundraising_contacts c
                JOIN json_each(c.emails) e
                LEFT JOIN fundraising_investors i ON i.id = c.investor_id AND i.deleted_at IS NULL
                WHERE c.deleted_at IS NULL AND e.type = 'text'
                ORDER BY c.id
                """
        )
        for row in contactRows {
            guard let address = EmailAddress.normalized(row["email"]), contacts[address] == nil else { continue }
            contacts[address] = (contact: row["id"], investor: row["investor_id"])
        }
        var domains: [String: Int64] = [:]
        let domainRows = try Row.fetchAll(
            db,
            sql: """
                SELECT i.id, e.value AS domain FROM fundraising_investors i JOIN json_each(i.email_domains) e
                WHERE i.deleted_at IS NULL AND e.type = 'text' ORDER BY i.id
                """
        )
        for row in domainRows {
            guard let domain = EmailAddress.domain(row["domain"]), domains[domain] == nil else { continue }
            domains[domain] = row["id"]
        }
        return Self(
            teamDomains: Set(try EmailAccountStore.teamDomains(db, settings: settings)),
            contacts: contacts,
            investorDomains: domains,
            blocked: Set(settings.strings(.emailBlocked)),
            marked: Set(settings.strings(.emailPrivate)),
            maxRecipients: settings.integer(.emailMaxRecipients)
        )
    }
}

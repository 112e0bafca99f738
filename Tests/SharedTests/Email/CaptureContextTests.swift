import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// The rules read live contacts and investors only: deleting one stops its mail being captured.
struct CaptureContextTests {
    @Test func deletedContactsAndInvestorsAreNotMatched() throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let context = try database.pool.write { db -> CaptureRules.Context in
            try db.execute(
                sql: """
                    INSERT INTO users (email, name, role, active, password_hash) VALUES
                        ('ann@fund.example', 'Ann', 'admin', 1, 'x'), ('max@gmail.com', 'Max', 'member', 1, 'x'),
                        ('old@former.example', 'Old', 'member', 0, 'x');
                    INSERT INTO fundraising_investors (id, name, email_domains) VALUES
                        (1, 'Alder', '["Alder.example", "not a domain", 5]'), (2, 'Gone', '["gone.example"]');
                    UPDATE fundraising_investors SET deleted_at = '2026-01-01' WHERE id = 2;
                    INSERT INTO fundraising_contacts (id, investor_id, name, emails) VALUES
                        (10, 1, 'Jane', '["Jane@Alder.example", "jane.private@gmail.com"]'),
                        (11, 2, 'Ghost', '["ghost@elsewhere.example"]'),
                        (12, 1, 'Deleted', '["deleted@alder.example"]');
                    UPDATE fundraising_contacts SET deleted_at = '2026-01-01' WHERE id = 12;
                    """
            )
            return try CaptureRules.Context.load(db)
        }
        #expect(context.teamDomains == ["fund.example"], "a free-mail member and an inactive one are not the team")
        #expect(context.contacts["jane@alder.example"]?.contact == 10)
        #expect(context.contacts["jane.private@gmail.com"]?.investor == 1)
        #expect(context.contacts["ghost@elsewhere.example"]?.investor == nil, "its investor is deleted")
        #expect(context.contacts["deleted@alder.example"] == nil)
        #expect(context.investorDomains == ["alder.example": 1])
        #expect(context.maxRecipients == 20)
    }
}

import Foundation
import GRDB

/// What the go-live checklist needs from the database, read in one snapshot.
public struct SecurityFacts: Sendable, Equatable {
    public var activeAdmins = 0
    public var staleInvites = 0
    public var newestVerifiedBackup: Date?
    public var mailerFigures: [String: JSONValue]?
    /// The distinct addresses sessions of the last 30 days came from (at most two) and how many
    /// users those sessions belong to.
    public var sessionAddresses: [String] = []
    public var sessionUsers = 0

    public init(
        activeAdmins: Int = 0,
        staleInvites: Int = 0,
        newestVerifiedBackup: Date? = nil,
        mailerFigures: [String: JSONValue]? = nil,
        sessionAddresses: [String] = [],
        sessionUsers: Int = 0
    ) {
        self.activeAdmins = activeAdmins
        self.staleInvites = staleInvites
        self.newestVerifiedBackup = newestVerifiedBackup
        self.mailerFigures = mailerFigures
        self.sessionAddresses = sessionAddresses
        self.sessionUsers = sessionUsers
    }

    public static func read(now: Date, _ db: Database) throws -> SecurityFacts {
        var facts = SecurityFacts()
        facts.activeAdmins = try User.all().activeAdmins().fetchCount(db)
        facts.staleInvites = try InviteStore.staleCount(now: now, db)
        facts.newestVerifiedBackup = try BackupRecord.all().live().filter(Column("verify_ok") == true)
            .select(max(Column("created_at")), as: Date.self).fetchOne(db)
        let since = now.addingTimeInterval(-30 * 24 * 3600)
        let recent = Session.filter(Column("created_at") >= since)
        facts.sessionAddresses = try recent.filter(Column("ip") != nil).select(Column("ip"), as: String.self).distinct()
            .limit(2).fetchAll(db)
        facts.sessionUsers = try recent.select(count(distinct: Column("user_id")), as: Int.self).fetchOne(db) ?? 0
        if let figures = try DaemonStatus.filter(Column("name") == DaemonName.mailer.rawValue).fetchOne(db)?.figures {
            facts.mailerFigures = try? JSONDecoder().decode([String: JSONValue].self, from: Data(figures.utf8))
        }
        return facts
    }
}

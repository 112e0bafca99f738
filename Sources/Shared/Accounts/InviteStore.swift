import Foundation
import GRDB

/// Invitations: making one (replacing a pending one for the same address), revoking, and using
/// one up into an account. Functions take the caller's transaction, so an invite and its mail
/// are queued together.
public enum InviteStore {
    public enum Failure: Error, Equatable {
        case notFound
        /// Someone already has an account with the address.
        case emailTaken
        /// Used already (accepting again).
        case accepted
        case expired
        case revoked
        /// Revoking one that was accepted: the account exists, deactivate it instead.
        case revokeAccepted
    }

    /// A new pending invite; an older pending one for the address is revoked.
    public static func create(
        email: String,
        role: User.Role,
        tokenHash: String,
        invitedBy: Int64?,
        now: Date,
        _ db: Database
    ) throws -> Invite {
        guard try !UserStore.emailTaken(email, db) else { throw Failure.emailTaken }
        try Invite.filter(Column("email") == email && Column("accepted_at") == nil && Column("revoked_at") == nil)
            .updateAll(db, Column("revoked_at").set(to: now))
        var invite = Invite(email: email, role: role, tokenHash: tokenHash, invitedBy: invitedBy, now: now)
        try invite.insert(db)
        return invite
    }

    /// Every invite, newest first (accepted, expired and revoked ones too: the admin's record).
    public static func all(_ db: Database) throws -> [Invite] {
        try Invite.order(Column("id").desc).fetchAll(db)
    }

    /// The invite a link's token names.
    public static func find(token: String, _ db: Database) throws -> Invite? {
        try Invite.filter(Column("token_hash") == SecretToken.hash(token)).fetchOne(db)
    }

    /// Withdraws a pending or expired invite; one already withdrawn is left as it is.
    public static func revoke(id: Int64, now: Date, _ db: Database) throws {
        guard var invite = try Invite.fetchOne(db, key: id) else { throw Failure.notFound }
        switch invite.state(at: now) {
        case .accepted: throw Failure.revokeAccepted
        case .revoked: return
        case .pending, .expired:
            invite.revokedAt = now
            try invite.update(db, columns: ["revoked_at"])
        }
    }

    /// Why a link's invite cannot be used now, if it cannot.
    public static func check(_ invite: Invite, now: Date) throws {
        switch invite.state(at: now) {
        case .pending: return
        case .accepted: throw Failure.accepted
        case .expired: throw Failure.expired
        case .revoked: throw Failure.revoked
        }
    }

    /// Makes the invited account and uses the invite up, checked again inside the write so two
    /// tabs accepting at once make one account.
    public static func accept(
        _ inviteId: Int64?,
        name: String,
        passwordHash: String,
        now: Date,
        _ db: Database
    ) throws -> User {
        guard var invite = try Invite.fetchOne(db, key: inviteId) else { throw Failure.notFound }
        guard invite.state(at: now) == .pending else { throw Failure.accepted }
        guard try !UserStore.emailTaken(invite.email, db) else { throw Failure.emailTaken }
        var user = User(email: invite.email, name: name, role: invite.role, passwordHash: passwordHash)
        try user.insert(db)
        invite.acceptedAt = now
        invite.acceptedUserId = user.id
        try invite.update(db, columns: ["accepted_at", "accepted_user_id"])
        return user
    }

    /// Pending invites past their expiry (the security status counts them).
    public static func staleCount(now: Date, _ db: Database) throws -> Int {
        try Invite.filter(Column("accepted_at") == nil && Column("revoked_at") == nil && Column("expires_at") <= now)
            .fetchCount(db)
    }
}

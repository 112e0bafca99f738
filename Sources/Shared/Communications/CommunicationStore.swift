import Foundation
import GRDB

/// Logging, changing, deleting and restoring communications, each with its history, and keeping
/// the relationship signals of every investor and contact it names current. A new investor or
/// contact is created with it only when nothing alike exists, or when the caller confirms that
/// the likely existing ones are not it: never a silent duplicate.
public enum CommunicationStore {
    /// A record the caller may have meant instead of creating a new one.
    public struct Candidate: Sendable, Equatable {
        public let table: RecordTable
        public let id: Int64
        public let name: String
    }

    public enum Failure: Error, Equatable {
        case notFound
        /// Field → what is wrong with it.
        case invalid([String: String])
        case versionConflict(current: Communication)
        /// A new investor or contact looks like these existing ones; send `confirm_new` to create
        /// it anyway, or name one of them.
        case possibleDuplicates([Candidate])
    }

    public struct NewContact: Sendable, Equatable {
        public var name: String
        public var email: String?

        public init(name: String, email: String? = nil) {
            self.name = name
            self.email = email
        }
    }

    /// What a caller logs.
    public struct Draft: Sendable {
        public var kind: Communication.Kind
        public var occurredAt: Date?
        public var memberId: Int64?
        public var investorId: Int64?
        public var contactIds: [Int64] = []
        public var summary: String
        public var newInvestor: String?
        public var newContacts: [NewContact] = []
        public var confirmNew = false

        public init(kind: Communication.Kind, summary: String) {
            self.kind = kind
            self.summary = summary
        }
    }

    /// What a change sets; nil leaves a value as it is.
    public struct Changes: Sendable {
        public var kind: Communication.Kind?
        public var occurredAt: Date?
        public var memberId: Int64?
        public var investorId: Int64??
        public var contactIds: [Int64]?
        public var summary: String?

        public init() {}
    }

    public static let maximumContacts = 50

    public static func create(
        _ draft: Draft,
        source: Communication.Source,
        by userId: Int64,
        at now: Date,
        _ db: Database
    ) throws -> Communication {
        var problems: [String: String] = [:]
        let summary = draft.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        if summary.isEmpty || summary.count > 2000 { problems["summary"] = "A summary is 1 to 2,000 characters." }
        let occurredAt = draft.occurredAt ?? now
        Self.checkTime(occurredAt, now: now, &problems)
        let member = draft.memberId ?? userId
        try Self.checkMember(member, db, &problems)
        if let investor = draft.investorId, !(try Self.live(.investors, investor, db)) {
            problems["investor_id"] = "There is no such investor."
        }
        if draft.investorId != nil, draft.newInvestor != nil {
            problems["new_investor"] = "Name an existing investor or a new one, not both."
        }
        try Self.checkContacts(draft.contactIds, db, &problems)
        if draft.contactIds.count + draft.newContacts.count > Self.maximumContacts {
            problems["contact_ids"] = "A communication names at most \(Self.maximumContacts) contacts."
        }
        let newInvestor = draft.newInvestor?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let newInvestor, newInvestor.isEmpty || newInvestor.count > 500 {
            problems["new_investor"] = "A new investor's name is 1 to 500 characters."
        }
        for (index, contact) in draft.newContacts.enumerated() {
            let name = contact.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 500 {
                problems["new_contacts.\(index).name"] = "A name is 1 to 500 characters."
            }
            if let email = contact.email, EmailAddress.normalized(email) == nil {
                problems["new_contacts.\(index).email"] = "This is not an email address."
            }
        }
        if draft.investorId == nil, newInvestor == nil, draft.contactIds.isEmpty, draft.newContacts.isEmpty {
            problems["investor_id"] = "Name the investor or the contacts this was with."
        }
        if !problems.isEmpty { throw Failure.invalid(problems) }
        if !draft.confirmNew {
            let candidates = try Self.likely(investor: newInvestor, contacts: draft.newContacts, db)
            if !candidates.isEmpty { throw Failure.possibleDuplicates(candidates) }
        } else {
            // The same address twice is the same person, confirmed or not.
            let taken = try Self.likely(investor: nil, contacts: draft.newContacts, db, byEmailOnly: true)
            if !taken.isEmpty { throw Failure.possibleDuplicates(taken) }
        }
        var investorId = draft.investorId
        if let newInvestor {
            let catalog = try FieldDefinition.catalog(.investors, db)
            investorId = try RecordStore.insert(
                .investors,
                fields: ["name": .string(newInvestor)],
                by: userId,
                at: now,
                catalog: catalog,
                db
            )
        }
        if investorId == nil, let first = draft.contactIds.first {
            investorId = try Int64.fetchOne(
                db,
                sql: "SELECT investor_id FROM fundraising_contacts WHERE id = ? AND deleted_at IS NULL",
                arguments: [first]
            )
        }
        var contactIds = draft.contactIds
        if !draft.newContacts.isEmpty {
            let catalog = try FieldDefinition.catalog(.contacts, db)
            for contact in draft.newContacts {
                var fields: [String: JSONValue] = [
                    "name": .string(contact.name.trimmingCharacters(in: .whitespacesAndNewlines))
                ]
                if let email = contact.email { fields["emails"] = .array([.string(email)]) }
                if let investorId { fields["investor_id"] = .number(Double(investorId)) }
                contactIds.append(
                    try RecordStore.insert(.contacts, fields: fields, by: userId, at: now, catalog: catalog, db)
                )
            }
        }
        try db.execute(
            sql: """
                INSERT INTO communications (kind, occurred_at, member_id, investor_id, summary, source, created_by, created_at,
                    updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [draft.kind, occurredAt, member, investorId, summary, source, userId, now, now, userId]
        )
        let id = db.lastInsertedRowID
        try Self.setContacts(id, Array(Set(contactIds)).sorted(), db)
        let created = try Self.get(id, db)!
        try Self.history(id, "create", old: nil, new: created.snapshot, version: 1, by: userId, at: now, db)
        try Self.refreshSignals(created, nil, at: now, db)
        return created
    }

    public static func update(
        _ id: Int64,
        expectedVersion: Int,
        _ changes: Changes,
        by userId: Int64,
        at now: Date,
        _ db: Database
    ) throws -> Communication {
        guard let current = try Self.get(id, db) else { throw Failure.notFound }
        guard current.version == expectedVersion else { throw Failure.versionConflict(current: current) }
        var problems: [String: String] = [:]
        var next = current
        if let kind = changes.kind { next.kind = kind }
        if let summary = changes.summary?.trimmingCharacters(in: .whitespacesAndNewlines) {
            if summary.isEmpty || summary.count > 2000 { problems["summary"] = "A summary is 1 to 2,000 characters." }
            next.summary = summary
        }
        if let occurredAt = changes.occurredAt {
            Self.checkTime(occurredAt, now: now, &problems)
            next.occurredAt = occurredAt
        }
        if let member = changes.memberId {
            try Self.checkMember(member, db, &problems)
            next.memberId = member
        }
        if let investor = changes.investorId {
            if let investor, !(try Self.live(.investors, investor, db)) {
                problems["investor_id"] = "There is no such investor."
            }
            next.investorId = investor
        }
        if let contacts = changes.contactIds {
            try Self.checkContacts(contacts, db, &problems)
            if contacts.count > Self.maximumContacts {
                problems["contact_ids"] = "A communication names at most \(Self.maximumContacts) contacts."
            }
            next.contactIds = Array(Set(contacts)).sorted()
        }
        if next.investorId == nil, next.contactIds.isEmpty {
            problems["investor_id"] = "Name the investor or the contacts this was with."
        }
        if !problems.isEmpty { throw Failure.invalid(problems) }
        guard next.snapshot != current.snapshot else { return current }
        try db.execute(
            sql: """
                UPDATE communications SET kind = ?, occurred_at = ?, member_id = ?, investor_id = ?, summary = ?,
                    version = version + 1, updated_at = ?, updated_by = ?
                WHERE id = ?
                """,
            arguments: [next.kind, next.occurredAt, next.memberId, next.investorId, next.summary, now, userId, id]
        )
        if changes.contactIds != nil {
            try db.execute(sql: "DELETE FROM communication_contacts WHERE communication_id = ?", arguments: [id])
            try Self.setContacts(id, next.contactIds, db)
        }
        let updated = try Self.get(id, db)!
        try Self.history(
            id,
            "update",
            old: current.snapshot,
            new: updated.snapshot,
            version: updated.version,
            by: userId,
            at: now,
            db
        )
        try Self.refreshSignals(updated, current, at: now, db)
        return updated
    }

    /// Soft-deletes (`deleted` true) or restores a communication, with history.
    public static func setDeleted(
        _ id: Int64,
        _ deleted: Bool,
        by userId: Int64,
        at now: Date,
        _ db: Database
    ) throws
        -> Communication
    {
        // reads deleted rows: restoring reads the deleted one.
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT deleted_at, version FROM communications WHERE id = ?",
                arguments: [id]
            ),
            (row["deleted_at"] as Date? == nil) == deleted
        else { throw Failure.notFound }
        try db.execute(
            sql:
                "UPDATE communications SET deleted_at = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
            arguments: [deleted ? now : nil, now, userId, id]
        )
        let version = (row["version"] as Int) + 1
        try Self.history(
            id,
            deleted ? "delete" : "restore",
            old: nil,
            new: nil,
            version: version,
            by: userId,
            at: now,
            db
        )
        // reads deleted rows: a deleted one's records need their signals recomputed without it.
        let row2 = try Row.fetchOne(db, sql: "SELECT * FROM communications WHERE id = ?", arguments: [id])!
        let communication = Communication(row: row2, contactIds: try Self.contacts(id, db))
        try Self.refreshSignals(communication, nil, at: now, db)
        return communication
    }

    /// A live communication.
    public static func get(_ id: Int64, _ db: Database) throws -> Communication? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM communications WHERE id = ? AND deleted_at IS NULL",
                arguments: [id]
            )
        else { return nil }
        return Communication(row: row, contactIds: try Self.contacts(id, db))
    }

    // MARK: Checks

    static func checkTime(_ date: Date, now: Date, _ problems: inout [String: String]) {
        if date > now.addingTimeInterval(86_400) || date.timeIntervalSince1970 < 0 {
            problems["occurred_at"] = "When it happened is a time since 1970, and not later than tomorrow."
        }
    }

    static func checkMember(_ id: Int64, _ db: Database, _ problems: inout [String: String]) throws {
        let known =
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL AND active = 1",
                arguments: [id]
            ) ?? false
        if !known { problems["member_id"] = "There is no such active team member." }
    }

    static func checkContacts(_ ids: [Int64], _ db: Database, _ problems: inout [String: String]) throws {
        for id in ids where !(try Self.live(.contacts, id, db)) {
            problems["contact_ids"] = "There is no contact #\(id)."
            return
        }
    }

    static func live(_ table: RecordTable, _ id: Int64, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM \(table.sqlTable) WHERE id = ? AND deleted_at IS NULL",
            arguments: [id]
        )
            ?? false
    }

    /// Existing records a new investor or contact may be: the same name (any case), a name that
    /// contains it, or for a contact the same address.
    static func likely(
        investor: String?,
        contacts: [NewContact],
        _ db: Database,
        byEmailOnly: Bool = false
    ) throws -> [Candidate] {
        var found: [Candidate] = []
        func add(_ table: RecordTable, _ rows: [Row]) {
            for row in rows where !found.contains(where: { $0.table == table && $0.id == row["id"] }) {
                found.append(Candidate(table: table, id: row["id"], name: row["name"]))
            }
        }
        if let investor, !byEmailOnly {
            add(
                .investors,
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, name FROM fundraising_investors WHERE deleted_at IS NULL
                            AND (lower(name) = lower(?) OR instr(lower(name), lower(?)) > 0)
                        ORDER BY lower(name) = lower(?) DESC, length(name), id LIMIT 5
                        """,
                    arguments: [investor, investor, investor]
                )
            )
        }
        for contact in contacts {
            if let email = contact.email.flatMap(EmailAddress.normalized) {
                add(
                    .contacts,
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT c.id, c.name FROM fundraising_contacts c JOIN json_each(c.emails) e
                            WHERE c.deleted_at IS NULL AND lower(e.value) = ? LIMIT 5
                            """,
                        arguments: [email]
                    )
                )
            }
            if !byEmailOnly {
                add(
                    .contacts,
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT id, name FROM fundraising_contacts WHERE deleted_at IS NULL AND lower(name) = lower(?) LIMIT 5",
                        arguments: [contact.name.trimmingCharacters(in: .whitespacesAndNewlines)]
                    )
                )
            }
        }
        return found
    }

    // MARK: Writing

    static func setContacts(_ id: Int64, _ contacts: [Int64], _ db: Database) throws {
        for contact in contacts {
            try db.execute(
                sql: "INSERT INTO communication_contacts (communication_id, contact_id) VALUES (?, ?)",
                arguments: [id, contact]
            )
        }
    }

    static func contacts(_ id: Int64, _ db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: "SELECT contact_id FROM communication_contacts WHERE communication_id = ? ORDER BY contact_id",
            arguments: [id]
        )
    }

    static func history(
        _ id: Int64,
        _ action: String,
        old: JSONValue?,
        new: JSONValue?,
        version: Int,
        by userId: Int64,
        at now: Date,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO communication_history (communication_id, action, old_value, new_value, version, changed_by, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, action, old.map(JSONValue.encode), new.map(JSONValue.encode), version, userId, now]
        )
    }

    /// The signals of every record the communication names, now and before a change.
    static func refreshSignals(
        _ communication: Communication,
        _ before: Communication?,
        at now: Date,
        _ db: Database
    )
        throws
    {
        var records = Set<RelationshipSignals.Record>()
        for item in [communication, before].compactMap({ $0 }) {
            if let investor = item.investorId { records.insert(.init(.investors, investor)) }
            for contact in item.contactIds { records.insert(.init(.contacts, contact)) }
        }
        try RelationshipSignals.refresh(records, at: now, settings: try AppSettings.values(db), db)
    }
}

import Foundation
import GRDB

/// A saved view of one table: personal (only its owner sees and edits it), shared (everyone sees
/// it, members edit it) or shared and locked (everyone sees it, only admins edit it).
public struct SavedView: Sendable, Equatable, FetchableRecord {
    public enum Scope: String, Codable, Sendable, DatabaseValueConvertible {
        case personal, shared
    }

    public var id: Int64
    public var table: RecordTable
    public var name: String
    public var scope: Scope
    public var locked: Bool
    public var ownerId: Int64?
    public var definition: ViewDefinition
    public var position: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(row: Row) throws {
        self.id = row["id"]
        self.table = row["table_name"]
        self.name = row["name"]
        self.scope = row["scope"]
        self.locked = row["locked"]
        self.ownerId = row["owner_id"]
        self.definition = try JSONDecoder().decode(ViewDefinition.self, from: Data((row["definition"] as String).utf8))
        self.position = row["position"]
        self.version = row["version"]
        self.createdAt = row["created_at"]
        self.updatedAt = row["updated_at"]
    }

    /// Whether `user` may see this view.
    public func isVisible(to userId: Int64) -> Bool {
        self.scope == .shared || self.ownerId == userId
    }

    /// Whether `user` may change or delete it.
    public func isEditable(by userId: Int64, isAdmin: Bool) -> Bool {
        switch self.scope {
        case .personal: self.ownerId == userId
        case .shared: !self.locked || isAdmin
        }
    }
}

/// Reads and writes saved views with their visibility and edit rules.
public struct ViewStore: Sendable {
    public enum Failure: Error, Equatable {
        case notFound
        case forbidden(String)
        case invalid([String: String])
        case versionConflict(current: Int)
    }

    public let database: AppDatabase
    public let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// The views of a table `user` can see: shared ones, then their own personal ones.
    public static func visible(_ table: RecordTable, userId: Int64, _ db: Database) throws -> [SavedView] {
        try SavedView.fetchAll(
            db,
            sql: """
                SELECT * FROM views WHERE table_name = ? AND deleted_at IS NULL AND (scope = 'shared' OR owner_id = ?)
                ORDER BY scope = 'personal', position, id
                """,
            arguments: [table.rawValue, userId]
        )
    }

    /// Every view `user` can see, all tables.
    public static func visible(userId: Int64, _ db: Database) throws -> [SavedView] {
        try SavedView.fetchAll(
            db,
            sql: """
                SELECT * FROM views WHERE deleted_at IS NULL AND (scope = 'shared' OR owner_id = ?)
                ORDER BY table_name, scope = 'personal', position, id
                """,
            arguments: [userId]
        )
    }

    /// One view `user` can see, or `notFound` (a personal view of someone else does not exist for them).
    public static func fetch(_ table: RecordTable, id: Int64, userId: Int64, _ db: Database) throws -> SavedView {
        guard
            let view = try SavedView.fetchOne(
                db,
                sql: "SELECT * FROM views WHERE id = ? AND table_name = ? AND deleted_at IS NULL",
                arguments: [id, table.rawValue]
            ),
            view.isVisible(to: userId)
        else { throw Failure.notFound }
        return view
    }

    public func create(
        _ table: RecordTable,
        name: String,
        scope: SavedView.Scope,
        locked: Bool,
        definition: ViewDefinition,
        userId: Int64,
        isAdmin: Bool,
        dates: ViewDates
    ) async throws -> SavedView {
        let name = try Self.validName(name)
        if locked && scope == .personal { throw Failure.invalid(["locked": "Only a shared view can be locked."]) }
        if locked && !isAdmin { throw Failure.forbidden("Only an admin can lock a view.") }
        let now = self.now()
        return try await self.database.pool.write { db in
            try Self.check(definition, table, dates, db)
            // reads deleted rows: archived views keep their places
            let position =
                (try Int.fetchOne(
                    db,
                    sql: "SELECT max(position) FROM views WHERE table_name = ?",
                    arguments: [table.rawValue]
                ) ?? -1) + 1
            try db.execute(
                sql: """
                    INSERT INTO views (table_name, name, scope, locked, owner_id, definition, position, created_at, updated_at, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    table.rawValue, name, scope, locked, userId, try Self.encode(definition), position, now, now,
                    userId,
                ]
            )
            try RecordStore.bumpGlobalVersion(db, by: userId, at: now)
            return try Self.fetch(table, id: db.lastInsertedRowID, userId: userId, db)
        }
    }

    /// Changes what is given. A personal view may become shared (by its owner), never the
    /// reverse; only admins lock and unlock.
    public func update(
        _ table: RecordTable,
        id: Int64,
        expectedVersion: Int?,
        name: String?,
        scope: SavedView.Scope?,
        locked: Bool?,
        definition: ViewDefinition?,
        userId: Int64,
        isAdmin: Bool,
        dates: ViewDates
    ) async throws -> SavedView {
        let name = try name.map(Self.validName)
        let now = self.now()
        return try await self.database.pool.write { db in
            var view = try Self.fetch(table, id: id, userId: userId, db)
            guard view.isEditable(by: userId, isAdmin: isAdmin) else {
                throw Failure.forbidden(
                    view.locked
                        ? "This view is locked: only an admin can change it."
                        : "Only its owner can change a personal view."
                )
            }
            if let expectedVersion, expectedVersion != view.version {
                throw Failure.versionConflict(current: view.version)
            }
            if let scope, scope != view.scope {
                guard scope == .shared else {
                    throw Failure.invalid(["scope": "A shared view cannot become personal; duplicate it instead."])
                }
                view.scope = .shared
            }
            if let locked, locked != view.locked {
                guard isAdmin else { throw Failure.forbidden("Only an admin can lock or unlock a view.") }
                guard view.scope == .shared else {
                    throw Failure.invalid(["locked": "Only a shared view can be locked."])
                }
                view.locked = locked
            }
            if let definition {
                try Self.check(definition, table, dates, db)
                view.definition = definition
            }
            try db.execute(
                sql: """
                    UPDATE views SET name = ?, scope = ?, locked = ?, definition = ?, version = version + 1, updated_at = ?, updated_by = ?
                    WHERE id = ?
                    """,
                arguments: [
                    name ?? view.name, view.scope, view.locked, try Self.encode(view.definition), now, userId, id,
                ]
            )
            try RecordStore.bumpGlobalVersion(db, by: userId, at: now)
            return try Self.fetch(table, id: id, userId: userId, db)
        }
    }

    public func delete(_ table: RecordTable, id: Int64, userId: Int64, isAdmin: Bool) async throws {
        let now = self.now()
        try await self.database.pool.write { db in
            let view = try Self.fetch(table, id: id, userId: userId, db)
            guard view.isEditable(by: userId, isAdmin: isAdmin) else {
                throw Failure.forbidden(
                    view.locked
                        ? "This view is locked: only an admin can delete it."
                        : "Only its owner can delete a personal view."
                )
            }
            try db.execute(
                sql: "UPDATE views SET deleted_at = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                arguments: [now, now, userId, id]
            )
            try RecordStore.bumpGlobalVersion(db, by: userId, at: now)
        }
    }

    /// A personal copy of a view the user can see.
    public func duplicate(
        _ table: RecordTable,
        id: Int64,
        name: String?,
        userId: Int64,
        dates: ViewDates
    ) async throws -> SavedView {
        let original = try await self.database.pool.read { db in try Self.fetch(table, id: id, userId: userId, db) }
        return try await self.create(
            table,
            name: name ?? String((original.name + " copy").prefix(200)),
            scope: .personal,
            locked: false,
            definition: original.definition,
            userId: userId,
            isAdmin: false,
            dates: dates
        )
    }

    static func check(_ definition: ViewDefinition, _ table: RecordTable, _ dates: ViewDates, _ db: Database) throws {
        let problems = ViewCompiler(table: table, catalog: try FieldDefinition.catalog(table, db), dates: dates)
            .problems(definition)
        guard problems.isEmpty else { throw Failure.invalid(problems) }
    }

    static func validName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count), !name.contains(where: \.isNewline) else {
            throw Failure.invalid(["name": "A view's name is 1 to 200 characters on one line."])
        }
        return name
    }

    static func encode(_ definition: ViewDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(definition), as: UTF8.self)
    }
}

extension SavedView: SoftDeletable {
    public static let databaseTableName = "views"
}

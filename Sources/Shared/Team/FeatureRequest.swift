import Foundation
import GRDB

/// A team member's request for the CRM. Anyone files and edits their own; only admins move its
/// status.
public struct FeatureRequest: Codable, Sendable, Equatable, FetchableRecord, TableRecord, SoftDeletable {
    public static let statuses = ["open", "planned", "in_progress", "done", "declined"]

    public var id: Int64
    public var title: String
    public var body: String
    public var status: String
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date

    public static let databaseTableName = "feature_requests"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// Reads and writes feature requests with their rules.
public enum FeatureRequestStore {
    public enum Failure: Error, Equatable {
        case notFound
        case forbidden(String)
        /// The member at fault, a headline, and what the member takes.
        case invalid(member: String, message: String, detail: String)
    }

    public static func all(_ db: Database) throws -> [FeatureRequest] {
        try FeatureRequest.all().live().order(Column("id").desc).fetchAll(db)
    }

    /// Files a request; it starts open.
    public static func create(
        title: String,
        body: String,
        by userId: Int64?,
        now: Date,
        _ db: Database
    ) throws -> FeatureRequest {
        let title = try Self.validTitle(title)
        let body = try Self.validBody(body)
        try db.execute(
            sql:
                "INSERT INTO feature_requests (title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [title, body, userId, now, now]
        )
        return try FeatureRequest.all().live().filter(Column("id") == db.lastInsertedRowID).fetchOne(db)!
    }

    /// Edits the title or body (its author or an admin) and the status (an admin).
    public static func update(
        id: Int64,
        title: String?,
        body: String?,
        status: String?,
        by userId: Int64,
        isAdmin: Bool,
        now: Date,
        _ db: Database
    ) throws -> FeatureRequest {
        let title = try title.map(Self.validTitle)
        let body = try body.map(Self.validBody)
        if let status {
            guard isAdmin else { throw Failure.forbidden("Only an admin can change a request's status.") }
            guard FeatureRequest.statuses.contains(status) else {
                throw Failure.invalid(
                    member: "status",
                    message: "Unknown status.",
                    detail: "Use one of: \(FeatureRequest.statuses.joined(separator: ", "))."
                )
            }
        }
        guard let current = try FeatureRequest.all().live().filter(Column("id") == id).fetchOne(db) else {
            throw Failure.notFound
        }
        if (title != nil || body != nil) && current.createdBy != userId && !isAdmin {
            throw Failure.forbidden("Only its author or an admin can edit a request.")
        }
        try db.execute(
            sql: "UPDATE feature_requests SET title = ?, body = ?, status = ?, updated_at = ? WHERE id = ?",
            arguments: [title ?? current.title, body ?? current.body, status ?? current.status, now, id]
        )
        return try FeatureRequest.all().live().filter(Column("id") == id).fetchOne(db)!
    }

    static func validTitle(_ raw: String) throws -> String {
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(title.count) else {
            throw Failure.invalid(
                member: "title",
                message: "The title must be 1 to 200 characters.",
                detail: "The title must be 1 to 200 characters."
            )
        }
        return title
    }

    static func validBody(_ body: String) throws -> String {
        guard body.count <= 20_000 else {
            throw Failure.invalid(
                member: "body",
                message: "The description is too long.",
                detail: "At most 20000 characters."
            )
        }
        return body
    }
}

import GRDB

/// How the database's applied migrations compare with the ones this binary knows.
public enum SchemaStatus: Equatable, Sendable {
    case current
    /// Migrations this binary has that the file lacks: run `crm-api migrate`.
    case behind(pending: [String])
    /// Migrations the file has that this binary does not know: the binary is older than the data.
    case ahead(unknown: [String])

    init(_ db: Database, migrator: DatabaseMigrator) throws {
        let applied = try migrator.appliedIdentifiers(db)
        let known = migrator.migrations
        let unknown = applied.subtracting(known).sorted()
        let pending = known.filter { !applied.contains($0) }
        if !unknown.isEmpty {
            self = .ahead(unknown: unknown)
        } else if !pending.isEmpty {
            self = .behind(pending: pending)
        } else {
            self = .current
        }
    }

    public var isCurrent: Bool { self == .current }

    /// A sentence for logs and `/readyz`.
    public var explanation: String {
        switch self {
        case .current:
            "schema is current"
        case .behind(let pending):
            "schema is behind: \(pending.count) migration(s) not applied (run crm-api migrate)"
        case .ahead(let unknown):
            "schema is newer than this binary: \(unknown.count) unknown migration(s) (upgrade the binaries)"
        }
    }
}

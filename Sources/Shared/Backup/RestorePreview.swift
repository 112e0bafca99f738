import Foundation
import GRDB

/// What a restore would change, table by table: live and backup row counts, the records that
/// would disappear and appear (the first few by name), and the newest change on each side.
public struct RestorePreview: Encodable, Sendable {
    public struct Sample: Encodable, Sendable, Equatable {
        public let id: Int64
        public let name: String
    }

    public struct Table: Encodable, Sendable {
        public let table: String
        public let liveCount: Int
        public let backupCount: Int
        public let disappearing: Int
        public let appearing: Int
        public let disappearingSample: [Sample]
        public let appearingSample: [Sample]
        public let newestLiveChange: Date?
        public let newestBackupChange: Date?

        enum CodingKeys: String, CodingKey {
            case table, disappearing, appearing
            case liveCount = "live_count"
            case backupCount = "backup_count"
            case disappearingSample = "disappearing_sample"
            case appearingSample = "appearing_sample"
            case newestLiveChange = "newest_live_change"
            case newestBackupChange = "newest_backup_change"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.table, forKey: .table)
            try container.encode(self.liveCount, forKey: .liveCount)
            try container.encode(self.backupCount, forKey: .backupCount)
            try container.encode(self.disappearing, forKey: .disappearing)
            try container.encode(self.appearing, forKey: .appearing)
            try container.encode(self.disappearingSample, forKey: .disappearingSample)
            try container.encode(self.appearingSample, forKey: .appearingSample)
            try container.encode(self.newestLiveChange, forKey: .newestLiveChange)
            try container.encode(self.newestBackupChange, forKey: .newestBackupChange)
        }
    }

    public let tables: [Table]

    /// How many records of each side a sample names.
    public static let sampleSize = 5

    /// Compares the live database with a backup file opened read-only.
    public static func compute(live: AppDatabase, backupPath: String) async throws -> RestorePreview {
        var configuration = Configuration()
        configuration.readonly = true
        let backup = try DatabaseQueue(path: backupPath, configuration: configuration)
        defer { try? backup.close() }
        var tables: [Table] = []
        for table in RecordTable.allCases {
            let liveSide = try await live.pool.read { db in try Side(db, table) }
            let backupSide = try await backup.read { db in try Side(db, table) }
            let disappearing = liveSide.ids.subtracting(backupSide.ids)
            let appearing = backupSide.ids.subtracting(liveSide.ids)
            tables.append(
                Table(
                    table: table.rawValue,
                    liveCount: liveSide.ids.count,
                    backupCount: backupSide.ids.count,
                    disappearing: disappearing.count,
                    appearing: appearing.count,
                    disappearingSample: try await live.pool.read { db in try Self.sample(db, table, disappearing) },
                    appearingSample: try await backup.read { db in try Self.sample(db, table, appearing) },
                    newestLiveChange: liveSide.newest,
                    newestBackupChange: backupSide.newest
                )
            )
        }
        return RestorePreview(tables: tables)
    }

    struct Side {
        let ids: Set<Int64>
        let newest: Date?

        init(_ db: Database, _ table: RecordTable) throws {
            self.ids = Set(try Int64.fetchAll(db, sql: "SELECT id FROM \(table.sqlTable) WHERE deleted_at IS NULL"))
            // reads deleted rows: the newest change of any kind, archiving included
            self.newest = try Date.fetchOne(db, sql: "SELECT max(updated_at) FROM \(table.sqlTable)")
        }
    }

    /// The first few of `ids` by name (a commitment is named by its investor and fund).
    static func sample(_ db: Database, _ table: RecordTable, _ ids: Set<Int64>) throws -> [Sample] {
        guard !ids.isEmpty else { return [] }
        let name =
            table == .commitments
            // reads deleted rows: names for records the restore brings back or archives
            ? """
            coalesce((SELECT name FROM fundraising_investors i WHERE i.id = r.investor_id), '?') || ' → ' ||
            coalesce((SELECT name FROM fundraising_funds f WHERE f.id = r.fund_id), '?')
            """
            : "r.name"
        // reads deleted rows: names for records the restore brings back or archives
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.id, \(name) AS name FROM \(table.sqlTable) r
                WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY name COLLATE NOCASE, r.id LIMIT ?
                """,
            arguments: [String(decoding: try JSONEncoder().encode(Array(ids)), as: UTF8.self), Self.sampleSize]
        )
        return rows.map { Sample(id: $0["id"], name: $0["name"] ?? "") }
    }
}

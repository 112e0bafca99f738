import GRDB

/// Counts and totals across the fundraising tables. Commitments count only while their investor
/// and fund are live, so archiving an investor takes its money out of every total.
public struct RelationalSummary: Codable, Sendable, Equatable {
    public struct Bucket: Codable, Sendable, Equatable {
        public var count: Int
        public var amount: Double
    }

    public struct FundTotals: Codable, Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var currency: String
        public var targetSize: Double?
        /// Committed, signed and wired.
        public var committed: Double
        public var softCircled: Double
        public var byStatus: [String: Bucket]

        enum CodingKeys: String, CodingKey {
            case id, name, currency, committed
            case targetSize = "target_size"
            case softCircled = "soft_circled"
            case byStatus = "by_status"
        }
    }

    public var investors: Int
    public var investorsByStage: [String: Int]
    public var investorsByType: [String: Int]
    public var contacts: Int
    public var commitments: Int
    public var commitmentsByStatus: [String: Bucket]
    public var funds: [FundTotals]

    enum CodingKeys: String, CodingKey {
        case investors, contacts, commitments, funds
        case investorsByStage = "investors_by_stage"
        case investorsByType = "investors_by_type"
        case commitmentsByStatus = "commitments_by_status"
    }

    static let liveCommitments = """
        FROM fundraising_commitments c
        JOIN fundraising_investors i ON i.id = c.investor_id AND i.deleted_at IS NULL
        JOIN fundraising_funds f ON f.id = c.fund_id AND f.deleted_at IS NULL
        WHERE c.deleted_at IS NULL
        """

    public static func compute(_ db: Database) throws -> RelationalSummary {
        func counts(_ sql: String) throws -> [String: Int] {
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql).map { ($0[0] as String, $0[1] as Int) })
        }
        func buckets(_ sql: String, _ arguments: StatementArguments = []) throws -> [String: Bucket] {
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    ($0[0] as String, Bucket(count: $0[1], amount: Double($0[2] as Int64) / 100))
                }
            )
        }
        let statusSQL = "SELECT c.status, count(*), coalesce(sum(c.amount), 0) \(Self.liveCommitments)"
        var funds: [FundTotals] = []
        for row in try Row.fetchAll(
            db,
            sql: "SELECT id, name, currency, target_size FROM fundraising_funds WHERE deleted_at IS NULL ORDER BY id"
        ) {
            let byStatus = try buckets(statusSQL + " AND c.fund_id = ? GROUP BY c.status", [row["id"] as Int64])
            funds.append(
                FundTotals(
                    id: row["id"],
                    name: row["name"],
                    currency: row["currency"],
                    targetSize: (row["target_size"] as Int64?).map { Double($0) / 100 },
                    committed: ["committed", "signed", "wired"].reduce(0) { $0 + (byStatus[$1]?.amount ?? 0) },
                    softCircled: byStatus["soft_circle"]?.amount ?? 0,
                    byStatus: byStatus
                )
            )
        }
        return RelationalSummary(
            investors: try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_investors WHERE deleted_at IS NULL")
                ?? 0,
            investorsByStage: try counts(
                "SELECT stage, count(*) FROM fundraising_investors WHERE deleted_at IS NULL GROUP BY stage"
            ),
            investorsByType: try counts(
                "SELECT coalesce(type, 'unknown'), count(*) FROM fundraising_investors WHERE deleted_at IS NULL GROUP BY 1"
            ),
            contacts: try Int.fetchOne(db, sql: "SELECT count(*) FROM fundraising_contacts WHERE deleted_at IS NULL")
                ?? 0,
            commitments: try Int.fetchOne(db, sql: "SELECT count(*) \(Self.liveCommitments)") ?? 0,
            commitmentsByStatus: try buckets(statusSQL + " GROUP BY c.status"),
            funds: funds
        )
    }
}

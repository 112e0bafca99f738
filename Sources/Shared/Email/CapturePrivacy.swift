import Foundation
import GRDB

/// The privacy level and the private marks, applied after the fact: narrowing either strips what
/// is already stored (widening applies only to mail captured from then on), and every read
/// shows no more than the settings allow now.
extension CaptureStore {
    /// What a reader may see of a stored message under today's settings.
    public static func visible(
        stored: PrivacyLevel,
        from: String,
        recipients: [String],
        settings: AppSettings.Values
    ) -> PrivacyLevel {
        let marked = Set(settings.strings(.emailPrivate))
        let everyone = Self.stored([from] + recipients)
        if everyone.contains(where: { CaptureRules.listed($0, in: marked) }) { return .metadata }
        return min(stored, PrivacyLevel(settings))
    }

    /// Strips stored subjects and text the settings no longer allow.
    public static func narrow(settings: AppSettings.Values, at now: Date, _ db: Database) throws {
        let level = PrivacyLevel(settings)
        if level != .full {
            try db.execute(
                sql: """
                    UPDATE email_messages SET body_text = NULL, subject = CASE WHEN ? = 'metadata' THEN NULL ELSE subject END,
                        privacy = ?, updated_at = ?
                    WHERE privacy != 'metadata' AND (? = 'metadata' OR privacy = 'full')
                    """,
                arguments: [level.rawValue, level.rawValue, now, level.rawValue]
            )
        }
        let marked = Set(settings.strings(.emailPrivate))
        guard !marked.isEmpty else { return }
        // reads deleted rows: an erased message that is restored later must be stripped as well.
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, from_address, recipients FROM email_messages WHERE privacy != 'metadata'"
        )
        for row in rows {
            let recipients = Self.addresses(row["recipients"])
            let everyone = Self.stored([row["from_address"]] + recipients)
            guard everyone.contains(where: { CaptureRules.listed($0, in: marked) }) else { continue }
            try db.execute(
                sql: """
                    UPDATE email_messages SET subject = NULL, body_text = NULL, privacy = 'metadata', updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [now, row["id"] as Int64]
            )
        }
    }

    /// Stored addresses (already normalised) as mailboxes.
    static func stored(_ addresses: [String]) -> [MailAddress] {
        addresses.filter { $0.contains("@") }.map { MailAddress(name: nil, address: $0) }
    }

    /// The addresses of a stored `recipients` JSON array.
    static func addresses(_ json: String?) -> [String] {
        guard case .array(let items)? = JSONValue.decode(json ?? "[]") else { return [] }
        return items.compactMap { item in
            if case .object(let object) = item, case .string(let address)? = object["address"] { address } else { nil }
        }
    }
}

extension CaptureStore.PrivacyLevel: Comparable {
    private var rank: Int {
        switch self {
        case .metadata: 0
        case .subject: 1
        case .full: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

import Foundation

/// A one-line hint sent to a daemon's socket after committing work meant for it. The database is
/// the truth; a lost message only delays the work until the next poll.
public enum WakeMessage: Equatable, Sendable, CustomStringConvertible {
    /// Mail was queued (for crm-mailer).
    case outbound
    /// A backup job was queued (for crm-backup).
    case backup
    /// Formula recompute jobs were started (for crm-api, which runs them).
    case formulas
    /// A mailbox's sync was turned on or asked for (for crm-scheduler).
    case sync
    /// An admin asked for a check of the Google set-up (for crm-scheduler).
    case doctor
    /// The database was restored: drop caches and re-read.
    case reload
    /// Rows of a table changed (crm-api forwards these to live clients).
    case changed(table: String)

    /// At most this many bytes are read from one datagram.
    public static let maximumBytes = 256

    public var description: String {
        switch self {
        case .outbound: "outbound"
        case .backup: "backup"
        case .formulas: "formulas"
        case .sync: "sync"
        case .doctor: "doctor"
        case .reload: "reload"
        case .changed(let table): "changed \(table)"
        }
    }

    /// Parses one datagram; nil for anything that is not a known message.
    public init?(line raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.utf8.count <= Self.maximumBytes else { return nil }
        switch line {
        case "outbound": self = .outbound
        case "backup": self = .backup
        case "formulas": self = .formulas
        case "sync": self = .sync
        case "doctor": self = .doctor
        case "reload": self = .reload
        default:
            guard line.hasPrefix("changed ") else { return nil }
            let table = line.dropFirst("changed ".count)
            guard !table.isEmpty, table.count <= 64,
                table.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) })
            else { return nil }
            self = .changed(table: String(table))
        }
    }
}

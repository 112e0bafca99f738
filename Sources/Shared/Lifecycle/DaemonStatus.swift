import Foundation
import GRDB

/// One daemon's heartbeat row: who it is, since when it runs, when it last beat, and a small
/// JSON object of its own figures (queue depth, wake counts…).
public struct DaemonStatus: Codable, Sendable, FetchableRecord, PersistableRecord {
    public enum State: String, Codable, Sendable, DatabaseValueConvertible {
        case running
        case stopped
    }

    public var name: DaemonName
    public var pid: Int64
    public var version: String
    public var status: State
    public var startedAt: Date
    public var lastBeatAt: Date
    public var stoppedAt: Date?
    /// A JSON object, stored as text.
    public var figures: String

    public static let databaseTableName = "daemon_status"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

extension DaemonName: DatabaseValueConvertible {}

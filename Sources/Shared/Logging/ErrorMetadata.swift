import GRDB
import Logging

extension Logger.Metadata {
    /// What a log line says of an unexpected error: its type and, for a database error,
    /// SQLite's code and message ("CHECK constraint failed: …"), which name the constraint but
    /// never the values, the SQL's arguments or the file's path. Never sent to a client.
    public static func error(_ error: any Error) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["error.type": "\(type(of: error))"]
        if let error = error as? DatabaseError {
            metadata["error.sqlite_code"] = "\(error.extendedResultCode.rawValue)"
            if let message = error.message { metadata["error.sqlite_message"] = "\(message)" }
        }
        return metadata
    }
}

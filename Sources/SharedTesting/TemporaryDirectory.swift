import Foundation
import Shared

/// A fresh directory under /tmp (short, so socket paths fit), removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        var template = Array("/tmp/crm-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        self.path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// A migrated database in this directory.
    public func migratedDatabase() throws -> AppDatabase {
        let database = try AppDatabase.open(path: self.path + "/crm.sqlite")
        try database.migrate()
        return database
    }
}

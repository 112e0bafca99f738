import Foundation
import Google
import Shared

/// The Google settings a command run beside the daemons reads: the same environment, the same
/// default data directory.
enum GoogleCommandConfig {
    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GoogleConfig {
        let dataDir =
            environment["CRM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["CRM_ENV"] == "production" ? "/data" : "./.data")
        return try GoogleConfig(environment: environment, dataDir: dataDir)
    }
}

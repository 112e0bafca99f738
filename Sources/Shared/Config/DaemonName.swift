/// The four daemons of the CRM, named as their executables are.
public enum DaemonName: String, CaseIterable, Codable, Sendable {
    case api = "crm-api"
    case scheduler = "crm-scheduler"
    case mailer = "crm-mailer"
    case backup = "crm-backup"
}

/// The version every daemon reports in its heartbeat.
public enum CRMVersion {
    public static let current = "0.1.0"
}

import Foundation
import Hummingbird
import Shared

/// A member's mailbox as the Admin page shows it: whether it is synced and how the sync goes.
struct EmailAccountResponse: Encodable {
    let id: Int64
    let email: String
    let name: String
    let syncEnabled: Bool
    let state: EmailAccount.State
    let lastSyncAt: Date?
    let lastAttemptAt: Date?
    let throttledUntil: Date?
    let lastError: String?
    let fetched: Int
    let kept: Int
    /// Messages Google failed on, waiting to be tried again.
    let retrying: Int
    let syncRequestedAt: Date?
    /// Messages skipped unread beyond their headers, per reason.
    let skipped: [String: Int]

    init(_ account: EmailAccount, skipped: [String: Int] = [:]) {
        self.skipped = skipped
        self.id = account.userId
        self.email = account.email
        self.name = account.name
        self.syncEnabled = account.syncEnabled
        self.state = account.state
        self.lastSyncAt = account.lastSyncAt
        self.lastAttemptAt = account.lastAttemptAt
        self.throttledUntil = account.throttledUntil
        self.lastError = account.lastError
        self.fetched = account.fetchedCount
        self.kept = account.keptCount
        self.retrying = account.retryCount
        self.syncRequestedAt = account.syncRequestedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, state, fetched, kept, retrying, skipped
        case syncEnabled = "sync_enabled"
        case lastSyncAt = "last_sync_at"
        case lastAttemptAt = "last_attempt_at"
        case throttledUntil = "throttled_until"
        case lastError = "last_error"
        case syncRequestedAt = "sync_requested_at"
    }

    /// Every key always, `null` where nothing happened yet.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.email, forKey: .email)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.syncEnabled, forKey: .syncEnabled)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.lastSyncAt, forKey: .lastSyncAt)
        try container.encode(self.lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(self.throttledUntil, forKey: .throttledUntil)
        try container.encode(self.lastError, forKey: .lastError)
        try container.encode(self.fetched, forKey: .fetched)
        try container.encode(self.kept, forKey: .kept)
        try container.encode(self.retrying, forKey: .retrying)
        try container.encode(self.syncRequestedAt, forKey: .syncRequestedAt)
        try container.encode(self.skipped, forKey: .skipped)
    }
}

/// `{"account": {...}}`
struct EmailAccountEnvelope: ResponseEncodable {
    let account: EmailAccountResponse
}

/// One check of the Google set-up: waiting for crm-scheduler, running, or done with its report.
struct DoctorRunResponse: Encodable {
    let id: Int64
    let state: String
    let requestedAt: Date
    let finishedAt: Date?
    let ok: Bool?
    /// `{"checks": [{"subject", "mailbox", "ok", "sentence", "code"}], "ok"}` once done.
    let report: JSONValue?

    init(_ run: DoctorRuns.Run) {
        self.id = run.id
        self.state = run.finishedAt != nil ? "done" : run.startedAt != nil ? "running" : "waiting"
        self.requestedAt = run.requestedAt
        self.finishedAt = run.finishedAt
        self.ok = run.ok
        self.report = run.report
    }

    enum CodingKeys: String, CodingKey {
        case id, state, ok, report
        case requestedAt = "requested_at"
        case finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.requestedAt, forKey: .requestedAt)
        try container.encode(self.finishedAt, forKey: .finishedAt)
        try container.encode(self.ok, forKey: .ok)
        try container.encode(self.report, forKey: .report)
    }
}

/// `{"run": {...} | null}`
struct DoctorRunEnvelope: ResponseEncodable {
    let run: DoctorRunResponse?

    enum CodingKeys: String, CodingKey {
        case run
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.run, forKey: .run)
    }
}

import Foundation
import GRDB
import Google
import Logging
import Shared

/// Gmail capture's round: every synced mailbox that is due (asked for, or its interval passed,
/// and not throttled) and not already syncing starts its own sync, so a long backfill or a
/// throttled mailbox never holds up the others (or the scheduler's other work). Each mailbox
/// keeps its own share of Gmail's quota between rounds. Without a saved key nothing is tried.
/// Tokens are kept between rounds while the key stays the same.
actor MailSync {
    let database: AppDatabase
    let config: GoogleConfig
    let heartbeat: Heartbeat
    let logger: Logger
    let interval: TimeInterval
    let now: @Sendable () -> Date
    private var tokens: AccessTokens?
    private var quotas: [Int64: GmailQuota] = [:]
    private var running: Set<Int64> = []

    init(
        database: AppDatabase,
        config: GoogleConfig,
        heartbeat: Heartbeat,
        logger: Logger,
        interval: TimeInterval,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.config = config
        self.heartbeat = heartbeat
        self.logger = logger
        self.interval = interval
        self.now = now
    }

    func run() async {
        guard FileManager.default.fileExists(atPath: self.config.keyFile) else { return }
        let accounts: [EmailAccount]
        let settings: AppSettings.Values
        do {
            (accounts, settings) = try await self.database.pool.read { db in
                (try EmailAccountStore.synced(db), try AppSettings.values(db))
            }
        } catch {
            self.logger.error("mail sync could not read the accounts", metadata: .error(error))
            return
        }
        let due = accounts.filter {
            !self.running.contains($0.userId)
                && EmailAccountStore.isDue($0, interval: self.interval, now: self.now())
        }
        guard !due.isEmpty else { return }
        let tokens: AccessTokens
        do {
            tokens = try await self.currentTokens()
        } catch {
            for account in due { await self.record(account, error) }
            return
        }
        for account in due {
            let gmail = GmailClient(
                tokens: tokens,
                config: self.config,
                quota: self.quota(account.userId, settings),
                now: self.now
            )
            self.running.insert(account.userId)
            Task { await self.sync(account, gmail) }
        }
    }

    private func sync(_ account: EmailAccount, _ gmail: GmailClient) async {
        defer { self.running.remove(account.userId) }
        let sync = MailboxSync(
            account: account,
            gmail: gmail,
            database: self.database,
            now: self.now,
            logger: self.logger
        )
        do {
            try await sync.run()
            let now = self.now()
            try? await self.database.pool.write { db in try EmailAccountStore.succeed(account.userId, at: now, db) }
            self.logger.info("mailbox synced", metadata: ["user.id": "\(account.userId)"])
        } catch {
            await self.record(account, error)
        }
        await self.heartbeat.set("mail_synced_at", .string(ISO8601.string(self.now())))
    }

    /// The mailbox's quota, made again when an admin changed the quota settings.
    private func quota(_ userId: Int64, _ settings: AppSettings.Values) -> GmailQuota {
        let perMinute = settings.integer(.gmailQuotaPerMinute)
        let costs = GmailQuota.Costs(get: settings.integer(.gmailMessageGetUnits))
        if let quota = self.quotas[userId], quota.unitsPerMinute == perMinute, quota.costs == costs { return quota }
        let quota = GmailQuota(unitsPerMinute: perMinute, costs: costs, now: self.now)
        self.quotas[userId] = quota
        return quota
    }

    /// The key as saved now, and tokens signed with it (new ones when the key changed).
    private func currentTokens() async throws(GoogleFailure) -> AccessTokens {
        let key = try ServiceAccountKey.load(self.config)
        if let tokens = self.tokens, tokens.key.clientEmail == key.clientEmail,
            tokens.key.privateKeyId == key.privateKeyId
        {
            return tokens
        }
        let fresh = await AccessTokens(key: key, now: self.now)
        self.tokens = fresh
        return fresh
    }

    private func record(_ account: EmailAccount, _ failure: GoogleFailure) async {
        let now = self.now()
        let until = failure.kind == .throttled ? (failure.retryAfter ?? now.addingTimeInterval(60)) : nil
        try? await self.database.pool.write { db in
            try EmailAccountStore.fail(account.userId, sentence: failure.sentence, throttledUntil: until, at: now, db)
        }
        self.logger.warning(
            "mailbox sync failed",
            metadata: [
                "user.id": "\(account.userId)", "google.code": "\(failure.code ?? "-")", "kind": "\(failure.kind)",
            ]
        )
    }
}

import Foundation
import GRDB
import Google
import Logging
import Shared

/// One sync of one mailbox. The first one backfills (the profile's history id taken before
/// listing, so nothing arriving meanwhile is lost; the window's messages listed page by page);
/// later ones read history from the stored cursor, page by page, moving the cursor after each
/// page's messages are stored. A cursor Gmail no longer knows (404) falls back to listing again
/// from two days before the last good sync, never to "now". Each message is decided from its
/// headers; only kept ones are fetched in full, a few at a time. A message Google keeps failing
/// on goes to the retry queue instead of failing the run; queued messages are tried first (all
/// of them when someone pressed "sync now").
struct MailboxSync {
    /// Messages decided at once; the quota bounds the requests in flight as well.
    static let concurrency = 4

    let account: EmailAccount
    let gmail: GmailClient
    let database: AppDatabase
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async throws(GoogleFailure) {
        let mailbox = self.account.email
        // One read of the settings: the rules' context, the privacy level, the backfill window.
        let (context, privacy, windowDays, cursor) = try await self.read { db in
            let settings = try AppSettings.values(db)
            return (
                try CaptureRules.Context.load(db, settings: settings), CaptureStore.PrivacyLevel(settings),
                settings.integer(.gmailSyncWindowDays), try EmailAccountStore.cursor(self.account.userId, db)
            )
        }
        try await self.write { db in
            try EmailAccountStore.begin(
                self.account.userId,
                state: cursor == nil ? .backfilling : nil,
                at: self.now(),
                db
            )
        }
        let asked = self.account.syncRequestedAt != nil
        let retries = try await self.read { [user = self.account.userId, now = self.now()] db in
            try CaptureStore.dueRetries(userId: user, now: asked ? nil : now, db)
        }
        try await self.each(retries.map { ($0.gmailId, $0.gmailThreadId) }, context, privacy)
        if let cursor {
            do {
                try await self.incremental(from: cursor, context, privacy)
                return
            } catch let failure where failure.kind == .notFound {
                self.logger.warning("history expired; listing again", metadata: ["mailbox": "\(mailbox)"])
                let from = (self.account.lastSyncAt ?? self.now()).addingTimeInterval(-2 * 86_400)
                try await self.backfill(since: from, context, privacy)
                return
            }
        }
        try await self.backfill(
            since: self.now().addingTimeInterval(-Double(windowDays) * 86_400),
            context,
            privacy
        )
    }

    private func backfill(
        since: Date,
        _ context: CaptureRules.Context,
        _ privacy: CaptureStore.PrivacyLevel
    )
        async throws(GoogleFailure)
    {
        try await self.write { db in
            try EmailAccountStore.begin(self.account.userId, state: .backfilling, at: self.now(), db)
        }
        let start = try await self.gmail.profile(self.account.email).historyId
        let query = "after:\(Int(since.timeIntervalSince1970)) -in:chats"
        var token: String? = nil
        repeat {
            let page = try await self.gmail.list(self.account.email, query: query, pageToken: token)
            try await self.each((page.messages ?? []).map { ($0.id, $0.threadId) }, context, privacy)
            token = page.nextPageToken
        } while token != nil
        try await self.write { db in try EmailAccountStore.advance(self.account.userId, to: start, db) }
    }

    private func incremental(
        from cursor: String,
        _ context: CaptureRules.Context,
        _ privacy: CaptureStore.PrivacyLevel
    )
        async throws(GoogleFailure)
    {
        var token: String? = nil
        repeat {
            let page = try await self.gmail.history(self.account.email, after: cursor, pageToken: token)
            let added = (page.history ?? []).flatMap { $0.messagesAdded ?? [] }
            try await self.each(added.map { ($0.message.id, $0.message.threadId) }, context, privacy)
            let last = page.history?.last?.id
            token = page.nextPageToken
            // The last page's history id, else the last record read: a crash replays, never skips.
            if let next = token == nil ? page.historyId : last {
                try await self.write { db in try EmailAccountStore.advance(self.account.userId, to: next, db) }
            }
        } while token != nil
    }

    /// Decides these messages, `concurrency` at a time; the first failure that stops the run
    /// (throttled, refused) stops starting new ones and is thrown once the started ones end.
    private func each(
        _ messages: [(id: String, threadId: String)],
        _ context: CaptureRules.Context,
        _ privacy: CaptureStore.PrivacyLevel
    ) async throws(GoogleFailure) {
        let stop = await withTaskGroup(of: GoogleFailure?.self, returning: GoogleFailure?.self) { group in
            var pending = messages[...]
            var stop: GoogleFailure? = nil
            for _ in 0..<Self.concurrency {
                guard let next = pending.popFirst() else { break }
                group.addTask { await self.attempt(next.id, threadId: next.threadId, context, privacy) }
            }
            for await failure in group {
                if stop == nil, let failure { stop = failure }
                if stop == nil, let next = pending.popFirst() {
                    group.addTask { await self.attempt(next.id, threadId: next.threadId, context, privacy) }
                }
            }
            return stop
        }
        if let stop { throw stop }
    }

    /// One message, with Google's transient failures and its own bad answers put in the retry
    /// queue; what comes back is a failure that should stop the mailbox's run.
    private func attempt(
        _ id: String,
        threadId: String,
        _ context: CaptureRules.Context,
        _ privacy: CaptureStore.PrivacyLevel
    ) async -> GoogleFailure? {
        do {
            try await self.process(id, threadId: threadId, context, privacy)
            return nil
        } catch let failure where [.unavailable, .other].contains(failure.kind) {
            do {
                try await self.write { [user = self.account.userId, now = self.now()] db in
                    try CaptureStore.retryLater(
                        userId: user,
                        gmailId: id,
                        gmailThreadId: threadId,
                        error: failure.sentence,
                        at: now,
                        db
                    )
                }
                self.logger.warning(
                    "message queued for another try",
                    metadata: ["user.id": "\(self.account.userId)", "kind": "\(failure.kind)"]
                )
                return nil
            } catch {
                return error
            }
        } catch {
            return error
        }
    }

    /// Decides one message from its headers; fetches and stores it in full only when it is kept.
    private func process(
        _ id: String,
        threadId: String,
        _ context: CaptureRules.Context,
        _ privacy: CaptureStore.PrivacyLevel
    ) async throws(GoogleFailure) {
        let user = self.account.userId
        if try await self.read({ db in try CaptureStore.isSeen(userId: user, gmailId: id, db) }) { return }
        let metadata: GmailMessage
        do {
            metadata = try await self.gmail.message(
                self.account.email,
                id: id,
                format: .metadata(CaptureRules.headerNames)
            )
        } catch let failure where failure.kind == .notFound {
            try await self.write { db in try CaptureStore.gone(userId: user, gmailId: id, db) }
            return
        }
        let message = CaptureRules.Message(labels: metadata.labels, headers: metadata.headers)
        switch CaptureRules.decide(message, context) {
        case .skip(let reason):
            try await self.write { db in try CaptureStore.skip(userId: user, gmailId: id, reason: reason, db) }
        case .keep(let match):
            var body: String? = nil
            if privacy == .full, !match.isPrivate {
                do {
                    let full = try await self.gmail.message(self.account.email, id: id, format: .full)
                    body = full.mime.map(MessageText.extract)
                } catch let failure where failure.kind == .notFound {
                    try await self.write { db in try CaptureStore.gone(userId: user, gmailId: id, db) }
                    return
                }
            }
            guard
                let kept = CaptureStore.Kept(
                    userId: user,
                    gmailId: id,
                    gmailThreadId: metadata.threadId,
                    headers: message,
                    body: body,
                    sentAt: metadata.receivedAt ?? self.now(),
                    privacy: privacy,
                    match: match
                )
            else { return }
            let now = self.now()
            try await self.write { db in try CaptureStore.keep(kept, at: now, db) }
        }
    }

    private func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(GoogleFailure) -> T
    {
        do {
            return try await self.database.pool.read(body)
        } catch {
            throw GoogleFailure(.other, "The CRM could not read its own database (\(error)).")
        }
    }

    private func write(_ body: @Sendable @escaping (Database) throws -> Void) async throws(GoogleFailure) {
        do {
            try await self.database.pool.write(body)
        } catch {
            throw GoogleFailure(.other, "The CRM could not write its own database (\(error)).")
        }
    }
}

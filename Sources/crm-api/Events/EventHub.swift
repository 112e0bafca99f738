import Foundation
import GRDB
import Shared

/// Fans change events out to every connected SSE client. Events come from `record_history`,
/// whose ids are the event ids, so a client resuming with `Last-Event-ID` is replayed from the
/// table and then follows the live stream without gaps or repeats.
actor EventHub {
    /// A replay longer than this tells the client to reload instead.
    static let maximumReplay = 1000
    /// Events a stream may have waiting. One that falls this far behind (a stalled client, a
    /// huge import) gets a `reset` in the last place and is ended: the browser reconnects and
    /// resumes from its last event, or reloads, rather than the server holding its backlog.
    static let queueLimit = 2_000
    /// Open streams per user (tabs and devices together).
    static let streamsPerUser = 10

    /// A user has `streamsPerUser` streams open already.
    struct TooManyStreams: Error {}

    let database: AppDatabase
    private var subscribers: [UUID: AsyncStream<ChangeEvent>.Continuation] = [:]
    /// Who each open stream belongs to: the presence hint ("also here").
    private var owners: [UUID: Int64] = [:]
    /// The newest history id published so far.
    private(set) var lastPublishedId: Int64 = 0
    /// Each table's newest field change, as last published.
    private var lastCatalog: [String: String] = [:]
    private var started = false

    init(database: AppDatabase) {
        self.database = database
    }

    /// Starts after the newest history row: events are for changes from now on.
    func start() async throws {
        guard !self.started else { return }
        self.started = true
        (self.lastPublishedId, self.lastCatalog) = try await self.database.pool.read { db in
            (
                try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM record_history") ?? 0,
                try Self.catalogStamps(db)
            )
        }
    }

    /// Live events after the current position, and the events a resuming client missed.
    func subscribe(
        after lastEventId: Int64?,
        userId: Int64? = nil
    ) async throws -> (
        replay: [ChangeEvent], live: AsyncStream<ChangeEvent>
    ) {
        if let userId, self.owners.values.filter({ $0 == userId }).count >= Self.streamsPerUser {
            throw TooManyStreams()
        }
        let upTo = self.lastPublishedId
        let (stream, continuation) = AsyncStream.makeStream(
            of: ChangeEvent.self,
            bufferingPolicy: .bufferingOldest(Self.queueLimit)
        )
        let id = UUID()
        self.subscribers[id] = continuation
        self.owners[id] = userId
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        guard let lastEventId, lastEventId < upTo else { return ([], stream) }
        let replay = try await self.database.pool.read { db in
            try Self.events(db, after: lastEventId, upTo: upTo, limit: Self.maximumReplay + 1)
        }
        if replay.records.count > Self.maximumReplay {
            return (
                [ChangeEvent(id: upTo, kind: .reset, data: ["reason": "too many changes since Last-Event-ID"])], stream
            )
        }
        return (replay.records, stream)
    }

    private func unsubscribe(_ id: UUID) {
        self.subscribers[id] = nil
        self.owners[id] = nil
    }

    /// The users with the app open now (an event stream connected).
    var presentUsers: Set<Int64> { Set(self.owners.values) }

    /// Reads history written since the last call and publishes it. Returns how many events went out.
    @discardableResult
    func pump() async throws -> Int {
        let after = self.lastPublishedId
        let batch = try await self.database.pool.read { db in try Self.events(db, after: after, upTo: nil, limit: 5000)
        }
        let catalogChanged = Set(batch.catalog.keys).union(self.lastCatalog.keys)
            .filter { batch.catalog[$0] != self.lastCatalog[$0] }.sorted()
        guard batch.lastId > after || !catalogChanged.isEmpty else { return 0 }
        var events = batch.records
        if !catalogChanged.isEmpty {
            events.append(
                ChangeEvent(
                    id: max(batch.lastId, after),
                    kind: .fields,
                    data: ["tables": .array(catalogChanged.map(JSONValue.string))]
                )
            )
        }
        self.lastPublishedId = max(batch.lastId, after)
        self.lastCatalog = batch.catalog
        for (id, continuation) in self.subscribers {
            for event in events where !self.deliver(event, to: id, continuation) { break }
        }
        return events.count
    }

    /// Queues one event for one stream; a stream whose queue is full gets a `reset` in its last
    /// place and is ended (false).
    private func deliver(
        _ event: ChangeEvent,
        to id: UUID,
        _ continuation: AsyncStream<ChangeEvent>.Continuation
    ) -> Bool {
        switch continuation.yield(event) {
        case .enqueued(let remaining) where remaining > 1:
            return true
        case .enqueued:
            continuation.yield(
                ChangeEvent(id: self.lastPublishedId, kind: .reset, data: ["reason": "the stream fell behind"])
            )
        case .dropped, .terminated:
            break
        @unknown default:
            break
        }
        continuation.finish()
        self.unsubscribe(id)
        return false
    }

    /// Tells every client to reload everything.
    func reset(reason: String) {
        for (id, continuation) in self.subscribers {
            _ = self.deliver(
                ChangeEvent(id: self.lastPublishedId, kind: .reset, data: ["reason": .string(reason)]),
                to: id,
                continuation
            )
        }
    }

    /// Ends every stream (shutdown).
    func finishAll() {
        for continuation in self.subscribers.values { continuation.finish() }
        self.subscribers = [:]
    }

    /// One event per changed record (its newest history id), in history order.
    static func events(
        _ db: Database,
        after: Int64,
        upTo: Int64?,
        limit: Int
    ) throws -> (
        records: [ChangeEvent], lastId: Int64, catalog: [String: String]
    ) {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT max(id) AS id, table_name, record_id, max(record_version) AS version,
                       group_concat(DISTINCT action) AS actions, group_concat(DISTINCT field_key) AS fields
                FROM record_history WHERE id > ? AND id <= ?
                GROUP BY table_name, record_id ORDER BY max(id) LIMIT ?
                """,
            arguments: [after, upTo ?? Int64.max, limit]
        )
        let records = rows.map { row in
            ChangeEvent(
                id: row["id"],
                kind: .record,
                data: [
                    "table": .string(row["table_name"]), "record_id": .number(Double(row["record_id"] as Int64)),
                    "version": .number(Double(row["version"] as Int)),
                    "actions": .array(
                        ((row["actions"] as String?) ?? "").split(separator: ",").map { .string(String($0)) }
                    ),
                    "fields": .array(
                        ((row["fields"] as String?) ?? "").split(separator: ",").map { .string(String($0)) }
                    ),
                ]
            )
        }
        let lastId = records.map(\.id).max() ?? after
        return (records, lastId, try Self.catalogStamps(db))
    }

    /// Each table's newest field change (every catalog write sets the field's `updated_at`): a
    /// few rows from a small table, read with each pump.
    static func catalogStamps(_ db: Database) throws -> [String: String] {
        // reads deleted rows: archiving a field changes the catalog too
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT table_name, max(updated_at) AS stamp FROM fundraising_fields GROUP BY table_name"
        )
        return Dictionary(
            uniqueKeysWithValues: rows.map { ($0["table_name"] as String, ($0["stamp"] as String?) ?? "") }
        )
    }
}

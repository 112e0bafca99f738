import Foundation
import GRDB
import HTTPTypes
import Shared
import SharedTesting
import Testing

@testable import crm_api

/// A started hub over a fresh migrated database (keep the directory alive with it).
func startedHub() async throws -> (TemporaryDirectory, RecordStore, EventHub) {
    let directory = try TemporaryDirectory()
    let database = try directory.migratedDatabase()
    let hub = EventHub(database: database)
    try await hub.start()
    return (directory, RecordStore(database: database), hub)
}

@Suite struct EventHubTests {
    func setUp() async throws -> (TemporaryDirectory, RecordStore, EventHub) { try await startedHub() }

    @Test func aWriteReachesSubscribersAsOneRecordEvent() async throws {
        let (directory, store, hub) = try await self.setUp()
        let (replay, live) = try await hub.subscribe(after: nil)
        #expect(replay.isEmpty)
        let record = try await store.create(.investors, fields: ["name": "Acme", "stage": "intro"], by: nil)
        #expect(try await hub.pump() == 1)
        var iterator = live.makeAsyncIterator()
        let event = try #require(await iterator.next())
        #expect(event.kind == .record)
        #expect(event.data["table"] == "investors")
        #expect(event.data["record_id"] == .number(Double(record.id)))
        #expect(event.data["version"] == 1)
        #expect(event.wire.hasPrefix("id: \(event.id)\nevent: record\ndata: {"))
        #expect(event.wire.hasSuffix("}\n\n"))
        #expect(try await hub.pump() == 0, "nothing new")
        _ = directory
    }

    @Test func aFieldChangeNamesItsTableAndARecordWriteDoesNot() async throws {
        let (directory, store, hub) = try await self.setUp()
        let database = store.database
        let (_, live) = try await hub.subscribe(after: nil)
        var iterator = live.makeAsyncIterator()
        _ = try await store.create(.investors, fields: ["name": "Acme"], by: nil)
        #expect(try await hub.pump() == 1, "a record event, no fields event")
        #expect(await iterator.next()?.kind == .record)

        let catalog = FieldCatalog(database: database)
        _ = try await catalog.create(.contacts, label: "Sector", type: .multiSelect, options: ["choices": ["Fintech"]])
        #expect(try await hub.pump() == 1)
        let created = try #require(await iterator.next())
        #expect(created.kind == .fields && created.data["tables"] == ["contacts"])
        #expect(created.wire.contains("event: fields\n"))

        // Stamps are milliseconds: two catalog writes in one millisecond between pumps read as one.
        try await Task.sleep(for: .milliseconds(5))
        _ = try await catalog.addChoice(.contacts, key: "sector", choice: "Climate")
        try await hub.pump()
        #expect(await iterator.next()?.data["tables"] == ["contacts"], "an added option is a catalog change")
        _ = directory
    }

    @Test func aClientResumingWithLastEventIDGetsWhatItMissedOnce() async throws {
        let (directory, store, hub) = try await self.setUp()
        _ = try await store.create(.funds, fields: ["name": "Fund I"], by: nil)
        try await hub.pump()
        let seen = await hub.lastPublishedId
        _ = try await store.create(.funds, fields: ["name": "Fund II"], by: nil)
        let second = try await store.update(.funds, id: 1, expectedVersion: 1, fields: ["status": "closed"], by: nil)
        try await hub.pump()

        let (replay, live) = try await hub.subscribe(after: seen)
        #expect(replay.map(\.kind) == [.record, .record])
        let ids = replay.compactMap { event -> Int? in
            if case .number(let id)? = event.data["record_id"] { Int(id) } else { nil }
        }
        #expect(Set(ids) == [1, 2])
        #expect(replay.first { $0.data["record_id"] == 1 }?.data["version"] == .number(Double(second.version)))

        _ = try await store.create(.funds, fields: ["name": "Fund III"], by: nil)
        try await hub.pump()
        var iterator = live.makeAsyncIterator()
        #expect(await iterator.next()?.data["record_id"] == 3)
        _ = directory
    }

    @Test func aReplayTooLongToSendTellsTheClientToReload() async throws {
        let (directory, store, hub) = try await self.setUp()
        try await store.database.pool.write { db in
            for index in 0..<(EventHub.maximumReplay + 5) {
                try db.execute(sql: "INSERT INTO fundraising_contacts (name) VALUES (?)", arguments: ["C\(index)"])
                try db.execute(
                    sql:
                        "INSERT INTO record_history (table_name, record_id, action, record_version) VALUES ('contacts', ?, 'create', 1)",
                    arguments: [index + 1]
                )
            }
        }
        try await hub.pump()
        let (replay, _) = try await hub.subscribe(after: 0)
        #expect(replay.map(\.kind) == [.reset])
        _ = directory
    }
}

/// The presence hint: who has an event stream open, by name; they leave when it closes.
@Suite struct PresenceTests {
    @Test func usersWithAnOpenStreamArePresentAndLeaveWhenItCloses() async throws {
        let app = try TestApp()
        let bob = try await app.createUser("bob@example.com")
        try await app.createUser("cyd@example.com")
        let (_, live) = try await app.services.events.subscribe(after: nil, userId: bob.id)
        try await app.test { cyd in
            try await cyd.login("cyd@example.com")
            let present = try await cyd.send(.get, "/api/team/present")
            #expect(present.value("users") == .array([["id": .number(Double(bob.id!)), "name": "bob@example.com"]]))
            await app.services.events.finishAll()
            var left = false
            for _ in 0..<200 where !left {
                try await Task.sleep(for: .milliseconds(10))
                left = try await cyd.send(.get, "/api/team/present").value("users") == .array([])
            }
            #expect(left)
        }
        _ = live
    }
}

/// Streams are bounded: a slow one is let go with a reset; a user holds a limited number.
@Suite struct EventQueueTests {
    func setUp() async throws -> (TemporaryDirectory, RecordStore, EventHub) { try await startedHub() }

    /// Each stream's queue was unbounded downstream of the hub (and dropped its oldest events
    /// silently at 10,000 inside it): a stream that falls behind now ends with a reset, and the
    /// server lets go of it.
    @Test func aStreamThatFallsBehindGetsAResetAndIsLetGo() async throws {
        let (directory, store, hub) = try await self.setUp()
        let (_, slow) = try await hub.subscribe(after: nil, userId: 1)
        let (_, keeping) = try await hub.subscribe(after: nil, userId: 2)
        var reader = keeping.makeAsyncIterator()
        try await store.database.pool.write { db in
            for index in 1...(EventHub.queueLimit + 500) {
                try db.execute(
                    sql: """
                        INSERT INTO record_history (table_name, record_id, action, record_version, changed_at)
                        VALUES ('investors', ?, 'create', 1, '2026-12-06 10:00:00.000')
                        """,
                    arguments: [index]
                )
            }
        }
        try await hub.pump()
        #expect(await hub.presentUsers.isEmpty, "both fell behind in one pump of \(EventHub.queueLimit + 500) changes")
        var received: [ChangeEvent] = []
        for await event in slow { received.append(event) }
        #expect(received.count == EventHub.queueLimit && received.last?.kind == .reset)
        #expect(received.dropLast().allSatisfy { $0.kind == .record })
        #expect(await reader.next()?.kind == .record)
        _ = directory
    }

    @Test func theWritersBufferIsBoundedToo() async throws {
        let (events, feed) = AsyncStream.makeStream(of: ChangeEvent.self)
        let (items, stop) = EventsController.withTicks(events, every: .seconds(60), limit: 10)
        for index in 1...50 { feed.yield(ChangeEvent(id: Int64(index), kind: .record, data: [:])) }
        feed.finish()
        // A writer that has not taken anything yet: the forwarder fills the queue and gives up.
        try await Task.sleep(for: .milliseconds(300))
        var kinds: [ChangeEvent.Kind] = []
        for await item in items {
            if case .event(let event) = item { kinds.append(event.kind) }
        }
        stop()
        #expect(kinds.count == 10 && kinds.last == .reset)
    }

    @Test func aUserMayHoldTenStreams() async throws {
        let (directory, _, hub) = try await self.setUp()
        var open: [AsyncStream<ChangeEvent>] = []
        for _ in 0..<EventHub.streamsPerUser { open.append(try await hub.subscribe(after: nil, userId: 7).live) }
        await #expect(throws: EventHub.TooManyStreams.self) { _ = try await hub.subscribe(after: nil, userId: 7) }
        _ = try await hub.subscribe(after: nil, userId: 8)
        #expect(open.count == 10)
        _ = directory
    }
}

import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Shared
import Testing

@testable import crm_api

/// Captured mail as people read it: filtered and paged, never more than the privacy level and the
/// private marks allow; an admin erases a contact's mail in one action and can bring it back.
@Suite struct EmailActivityTests {
    struct Seeded {
        let app: TestApp
        let ann: Int64
        let bob: Int64
        let alder: Int64
        let jane: Int64
        let piet: Int64
    }

    /// Ann (admin) and Bob; Alder with contacts Jane and Piet; four messages, oldest first.
    func seeded() async throws -> Seeded {
        let app = try TestApp()
        let ann = try await app.createUser("ann@fund.example", role: .admin).id!
        let bob = try await app.createUser("bob@fund.example").id!
        let store = RecordStore(database: app.database)
        let alder = try await store.create(.investors, fields: ["name": "Alder"], by: ann).id
        let jane = try await store.create(
            .contacts,
            fields: ["name": "Jane", "emails": ["jane@alder.example"], "investor_id": .number(Double(alder))],
            by: ann
        ).id
        let piet = try await store.create(
            .contacts,
            fields: ["name": "Piet", "emails": ["piet@private.example"], "investor_id": .number(Double(alder))],
            by: ann
        ).id
        let base = Date().addingTimeInterval(-10 * 86_400)
        let mail: [(Int64, String, String, Int64, CaptureRules.Direction)] = [
            (ann, "jane@alder.example", "Q3 close", jane, .received),
            (ann, "ann@fund.example", "Re: Q3 close", jane, .sent),
            (bob, "piet@private.example", "Family matters", piet, .received),
            (bob, "jane@alder.example", "Side letter", jane, .received),
        ]
        try await app.database.pool.write { db in
            for (index, (user, from, subject, contact, direction)) in mail.enumerated() {
                let headers = CaptureRules.Message(
                    labels: [],
                    headers: [
                        ("From", from), ("To", "ann@fund.example"), ("Subject", subject),
                        ("Message-ID", "<m\(index)@mail.example>"),
                    ]
                )
                let kept = CaptureStore.Kept(
                    userId: user,
                    gmailId: "g\(index)",
                    gmailThreadId: "t\(index)",
                    headers: headers,
                    body: "Text of \(subject)",
                    sentAt: base.addingTimeInterval(Double(index) * 86_400),
                    privacy: .full,
                    match: CaptureRules.Match(direction: direction, contactIds: [contact], investorIds: [alder])
                )!
                try CaptureStore.keep(kept, at: Date(), db)
            }
        }
        return Seeded(app: app, ann: ann, bob: bob, alder: alder, jane: jane, piet: piet)
    }

    func subjects(_ reply: Client.Reply) -> [String?] {
        guard case .array(let messages)? = reply.value("messages") else { return [] }
        return messages.map { message in
            if case .object(let object) = message, case .string(let subject)? = object["subject"] {
                subject
            } else {
                nil
            }
        }
    }

    @Test func membersReadCapturedMailFilteredAndPagedNewestFirst() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let all = try await client.send(.get, "/api/email/activity")
            #expect(all.status == .ok)
            #expect(self.subjects(all) == ["Side letter", "Family matters", "Re: Q3 close", "Q3 close"])
            #expect(all.value("next_cursor") == .null)
            #expect(all.body.contains(#""snippet":"Text of Side letter""#))
            #expect(all.body.contains(#""direction":"outbound""#), "Ann's reply")

            let jane = try await client.send(.get, "/api/email/activity?contact_id=\(seeded.jane)&limit=2")
            #expect(self.subjects(jane) == ["Side letter", "Re: Q3 close"])
            guard case .string(let cursor)? = jane.value("next_cursor") else {
                Issue.record("no cursor in \(jane.body)")
                return
            }
            let rest = try await client.send(
                .get,
                "/api/email/activity?contact_id=\(seeded.jane)&limit=2&cursor=\(cursor)"
            )
            #expect(self.subjects(rest) == ["Q3 close"])
            #expect(rest.value("next_cursor") == .null)

            let bobs = try await client.send(.get, "/api/email/activity?member_id=\(seeded.bob)")
            #expect(self.subjects(bobs) == ["Side letter", "Family matters"])
            let investor = try await client.send(.get, "/api/email/activity?investor_id=\(seeded.alder)")
            #expect(self.subjects(investor).count == 4)
            let since = ISO8601.string(Date().addingTimeInterval(-8.5 * 86_400))
            let recent = try await client.send(.get, "/api/email/activity?since=\(since)")
            #expect(self.subjects(recent) == ["Side letter", "Family matters"])

            for bad in [
                "cursor=x", "cursor=1.0", "limit=0", "limit=201", "investor_id=-1", "contact_id=abc",
                "since=yesterday", "until=2026-13-45T00:00:00Z",
            ] {
                let reply = try await client.send(.get, "/api/email/activity?\(bad)")
                #expect(reply.status == .badRequest, "\(bad): \(reply.body)")
            }
            client.cookie = nil
            #expect(try await client.send(.get, "/api/email/activity").status == .unauthorized)
        }
    }

    @Test func thePrivacyLevelAndPrivateMarksHoldInEveryAnswerAndNarrowWhatIsStored() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("ann@fund.example")
            let marked = try await client.send(
                .patch,
                "/api/settings",
                json: #"{"email_private": ["private.example"]}"#
            )
            #expect(marked.status == .ok, "\(marked.body)")
            let afterMark = try await client.send(.get, "/api/email/activity?contact_id=\(seeded.piet)")
            #expect(self.subjects(afterMark) == [nil])
            #expect(afterMark.body.contains(#""snippet":null"#) && afterMark.body.contains(#""privacy":"metadata""#))
            #expect(!afterMark.body.contains("Family"))
            let stored = try await seeded.app.database.pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT subject, body_text FROM email_messages WHERE from_address = 'piet@private.example'"
                )
            }
            #expect(
                stored?["subject"] as String? == nil && stored?["body_text"] as String? == nil,
                "stripped when stored"
            )

            #expect(
                try await client.send(.patch, "/api/settings", json: #"{"email_privacy_level": "subject"}"#).status
                    == .ok
            )
            let subjectOnly = try await client.send(.get, "/api/email/activity")
            #expect(self.subjects(subjectOnly) == ["Side letter", nil, "Re: Q3 close", "Q3 close"])
            #expect(!subjectOnly.body.contains("Text of"))
            // Widening again does not bring back what was stripped.
            #expect(
                try await client.send(.patch, "/api/settings", json: #"{"email_privacy_level": "full"}"#).status == .ok
            )
            #expect(!(try await client.send(.get, "/api/email/activity")).body.contains("Text of"))

            #expect(
                try await client.send(.patch, "/api/settings", json: #"{"email_privacy_level": "metadata"}"#).status
                    == .ok
            )
            let metadata = try await client.send(.get, "/api/email/activity")
            #expect(self.subjects(metadata) == [nil, nil, nil, nil])
            for entry in ["not an address", "v{|rbk@80.9*", "a@b_c.example"] {
                let bad = try await client.send(.patch, "/api/settings", json: #"{"email_private": ["\#(entry)"]}"#)
                #expect(bad.status == .unprocessableContent, "\(entry)")
            }
        }
    }

    @Test func anAdminErasesAContactsMailAndCanRestoreItMembersCannot() async throws {
        let seeded = try await self.seeded()
        let store = RecordStore(database: seeded.app.database)
        #expect(try await store.get(.contacts, id: seeded.jane)?.fields["emails_90d"] == 3)
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let refused = try await client.send(.post, "/api/email/erasures", json: #"{"contact_id": \#(seeded.jane)}"#)
            #expect(refused.status == .forbidden)
            #expect(try await client.send(.get, "/api/email/erasures").status == .forbidden)

            try await client.login("ann@fund.example")
            for bad in [
                #"{}"#, #"{"contact_id": 0}"#, #"{"contact_id": 1, "investor_id": 1}"#, #"{"contact_id": "x"}"#,
            ] {
                let reply = try await client.send(.post, "/api/email/erasures", json: bad)
                #expect(reply.status == .badRequest, "\(bad): \(reply.body)")
            }
            #expect(
                try await client.send(.post, "/api/email/erasures", json: #"{"contact_id": 999}"#).status == .notFound
            )

            let erased = try await client.send(.post, "/api/email/erasures", json: #"{"contact_id": \#(seeded.jane)}"#)
            #expect(erased.status == .created, "\(erased.body)")
            #expect(erased.value("erasure", "messages") == 3)
            let left = try await client.send(.get, "/api/email/activity")
            #expect(self.subjects(left) == ["Family matters"])
            let jane = try await store.get(.contacts, id: seeded.jane)
            #expect(jane?.fields["emails_90d"] == 0 && jane?.fields["last_contacted_at"] == .null)
            #expect(try await store.get(.investors, id: seeded.alder)?.fields["emails_90d"] == 1, "Piet's mail remains")

            guard case .number(let id)? = erased.value("erasure", "id") else { return }
            let listed = try await client.send(.get, "/api/email/erasures")
            #expect(listed.body.contains(#""restored_at":null"#))
            let restored = try await client.send(.post, "/api/email/erasures/\(Int(id))/restore")
            #expect(restored.status == .ok)
            #expect(restored.value("erasure", "restored_by") == .number(Double(seeded.ann)))
            #expect(self.subjects(try await client.send(.get, "/api/email/activity")).count == 4)
            #expect(try await store.get(.contacts, id: seeded.jane)?.fields["emails_90d"] == 3)
            let again = try await client.send(.post, "/api/email/erasures/\(Int(id))/restore")
            #expect(again.status == .conflict && again.error == "already_restored")
            #expect(try await client.send(.post, "/api/email/erasures/999/restore").status == .notFound)
        }
    }

    @Test func searchFindsSubjectsAndTextTheReaderMaySeeAndForgetsErasedMail() async throws {
        let seeded = try await self.seeded()
        try await seeded.app.test { client in
            try await client.login("bob@fund.example")
            let q3 = try await client.send(.get, "/api/email/search?q=q3")
            #expect(self.subjects(q3) == ["Re: Q3 close", "Q3 close"])
            #expect(
                self.subjects(try await client.send(.get, "/api/email/search?q=TEXT%20of%20side")) == ["Side letter"]
            )
            #expect(
                self.subjects(try await client.send(.get, "/api/email/search?q=clo")) == ["Re: Q3 close", "Q3 close"],
                "prefixes"
            )
            #expect(
                self.subjects(try await client.send(.get, "/api/email/search?q=q3&contact_id=\(seeded.piet)")).isEmpty
            )
            for hostile in ["%22OR%20NEAR(", "subject%3Aq3%20OR%20*", "q3%22%20OR%20%22family"] {
                let reply = try await client.send(.get, "/api/email/search?q=\(hostile)")
                #expect(reply.status == .ok, "\(hostile): \(reply.body)")
                #expect(!reply.body.contains("Family"), "FTS5 syntax in q is only words")
            }
            for bad in ["", "?q=", "?q=%20%2A%22"] {
                #expect(try await client.send(.get, "/api/email/search\(bad)").status == .badRequest, "\(bad)")
            }

            guard case .array(let found)? = q3.value("messages"), case .object(let first)? = found.first,
                case .number(let id)? = first["id"]
            else { return }
            let full = try await client.send(.get, "/api/email/messages/\(Int(id))")
            #expect(full.status == .ok)
            #expect(full.value("text") == "Text of Re: Q3 close")
            #expect(try await client.send(.get, "/api/email/messages/999").status == .notFound)

            try await client.login("ann@fund.example")
            #expect(
                try await client.send(.patch, "/api/settings", json: #"{"email_private": ["private.example"]}"#).status
                    == .ok
            )
            #expect(
                self.subjects(try await client.send(.get, "/api/email/search?q=family")).isEmpty,
                "a private subject is not found"
            )
            let erased = try await client.send(.post, "/api/email/erasures", json: #"{"contact_id": \#(seeded.jane)}"#)
            #expect(self.subjects(try await client.send(.get, "/api/email/search?q=q3")).isEmpty)
            #expect(try await client.send(.get, "/api/email/messages/\(Int(id))").status == .notFound)
            guard case .number(let erasure)? = erased.value("erasure", "id") else { return }
            #expect(try await client.send(.post, "/api/email/erasures/\(Int(erasure))/restore").status == .ok)
            #expect(self.subjects(try await client.send(.get, "/api/email/search?q=q3")).count == 2)
            #expect(
                try await client.send(.patch, "/api/settings", json: #"{"email_privacy_level": "subject"}"#).status
                    == .ok
            )
            #expect(
                self.subjects(try await client.send(.get, "/api/email/search?q=text")).isEmpty,
                "stripped text is not found"
            )
            #expect(try await client.send(.get, "/api/email/messages/\(Int(id))").value("text") == .null)
        }
    }
}

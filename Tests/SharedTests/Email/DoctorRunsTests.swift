import Foundation
import GRDB
import SharedTesting
import Testing

@testable import Shared

/// The Admin page asks for the Google check once however often it is pressed; crm-scheduler
/// claims it once, and a run it abandoned is asked for again.
struct DoctorRunsTests {
    @Test func aRequestIsClaimedOnceFinishedOnceAndAskedAgainWhenAbandoned() throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        defer { withExtendedLifetime(directory) {} }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO users (id, email, name, role, active, password_hash) VALUES (1, 'a@x.example', 'A', 'admin', 1, 'x')"
            )
        }
        let (first, again, claimed, twice) = try database.pool.write { db in
            (
                try DoctorRuns.request(by: 1, at: now, db), try DoctorRuns.request(by: 1, at: now, db),
                try DoctorRuns.claim(at: now, db), try DoctorRuns.claim(at: now, db)
            )
        }
        #expect(first.id == again.id, "pressing twice asks once")
        #expect(claimed?.id == first.id && twice == nil)
        let abandoned = now.addingTimeInterval(DoctorRuns.abandonedAfter + 1)
        let fresh = try database.pool.write { db in try DoctorRuns.request(by: 1, at: abandoned, db) }
        #expect(fresh.id != first.id, "a run crm-scheduler never finished does not block a new one")
        try database.pool.write { db in
            try DoctorRuns.finish(
                fresh.id,
                ok: false,
                report: Data(#"{"checks":[],"ok":false}"#.utf8),
                at: abandoned,
                db
            )
        }
        let latest = try database.pool.read { db in try DoctorRuns.latest(db) }
        #expect(latest?.ok == false && latest?.report == ["checks": [], "ok": false])
    }
}

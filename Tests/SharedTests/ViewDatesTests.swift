import Foundation
import Testing

@testable import Shared

@Suite struct ViewDatesTests {
    // 2026-11-24 03:30 UTC is still 2026-11-23 in New York: "today" is the team's day, not UTC's.
    let dates = ViewDates(
        now: Date(timeIntervalSince1970: 1_795_491_000),
        timeZone: TimeZone(identifier: "America/New_York")!
    )

    func range(_ value: JSONValue) -> ViewDates.DayRange? {
        if case .success(let range) = self.dates.range(value) { return range }
        return nil
    }

    @Test func relativeValuesResolveInTheTeamsTimeZone() {
        #expect(self.range(["relative": "today"]) == .init(first: "2026-11-23", last: "2026-11-23"))
        #expect(self.range(["relative": "tomorrow"]) == .init(first: "2026-11-24", last: "2026-11-24"))
        #expect(self.range(["relative": "yesterday"]) == .init(first: "2026-11-22", last: "2026-11-22"))
        #expect(self.range(["relative": "days_ago", "days": 30]) == .init(first: "2026-10-24", last: "2026-10-24"))
        #expect(
            self.range(["relative": "days_from_now", "days": 10]) == .init(first: "2026-12-03", last: "2026-12-03")
        )
        #expect(self.range(["relative": "past_week"]) == .init(first: "2026-11-16", last: "2026-11-23"))
        #expect(self.range(["relative": "next_week"]) == .init(first: "2026-11-23", last: "2026-11-30"))
        #expect(self.range(["relative": "past_month"]) == .init(first: "2026-10-23", last: "2026-11-23"))
        #expect(self.range(["relative": "next_month"]) == .init(first: "2026-11-23", last: "2026-12-23"))
        #expect(self.range(["relative": "this_month"]) == .init(first: "2026-11-01", last: "2026-11-30"))
        #expect(self.range("2026-02-28") == .init(first: "2026-02-28", last: "2026-02-28"))
    }

    @Test func badValuesAreRefused() {
        for value: JSONValue in [
            "2026-02-30", "24/11/2026", ["relative": "someday"], ["relative": "days_ago"],
            ["relative": "days_ago", "days": -1], 5,
        ] {
            #expect(self.range(value) == nil, "\(value)")
        }
    }

    @Test func dayBoundsAreLocalMidnights() {
        #expect(self.dates.startOfDay("2026-11-23") == Date(timeIntervalSince1970: 1_795_410_000))
        #expect(self.dates.dayAfter("2026-12-31") == "2027-01-01")
        #expect(ViewText.fold("Straße ÉCOLE") == ViewText.fold("STRASSE école"))
    }
}

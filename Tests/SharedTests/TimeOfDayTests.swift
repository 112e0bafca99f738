import Testing

@testable import Shared

@Suite struct TimeOfDayTests {
    @Test func parsesTwentyFourHourTimes() {
        #expect(TimeOfDay("00:00") == TimeOfDay("00:00"))
        #expect(TimeOfDay("07:30").map { [$0.hour, $0.minute] } == [7, 30])
        #expect(TimeOfDay("23:59").map { [$0.hour, $0.minute] } == [23, 59])
    }

    @Test(arguments: [
        "24:00", "7:30", "07:60", "07-30", "07:30:00", "", ":", "ab:cd", "-1:30", " 7:30", "+7:30", "07:+5", "-0:00",
        "٠٧:٣٠",
    ])
    func refusesAnythingElse(text: String) {
        #expect(TimeOfDay(text) == nil)
    }
}

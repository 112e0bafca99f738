import Foundation
import Logging
import Testing

@testable import Shared

@Suite struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithMetadata() throws {
        let line = JSONLogHandler.render(
            timestamp: Date(timeIntervalSince1970: 0),
            level: .warning,
            label: "crm-mailer",
            message: "quote \" and\nnewline",
            source: "Shared",
            metadata: ["mail.id": "42"]
        )
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "warning")
        #expect(object["label"] == "crm-mailer")
        #expect(object["message"] == "quote \" and\nnewline")
        #expect(object["mail.id"] == "42")
        #expect(object["ts"]?.hasPrefix("1970-01-01T00:00:00") == true)
    }
}

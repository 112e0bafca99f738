import Foundation
import Testing

@testable import Shared

/// Which messages are the CRM's business, from headers alone.
struct CaptureRulesTests {
    let context = CaptureRules.Context(
        teamDomains: ["fund.example"],
        contacts: ["jane@alder.example": (contact: 7, investor: 3), "solo@gmail.com": (contact: 8, investor: nil)],
        investorDomains: ["alder.example": 3, "birch.example": 4, "gmail.com": 9],
        blocked: ["lawyer@firm.example", "family.example"],
        maxRecipients: 5
    )

    func message(
        labels: [String] = ["INBOX"],
        from: String = "Jane <jane@alder.example>",
        to: String = "ann@fund.example",
        extra: [(String, String)] = []
    ) -> CaptureRules.Message {
        CaptureRules.Message(labels: labels, headers: [("From", from), ("To", to)] + extra)
    }

    @Test func aContactsMailIsKeptWithItsInvestorAndDirection() {
        #expect(
            CaptureRules.decide(self.message(), self.context)
                == .keep(.init(direction: .received, contactIds: [7], investorIds: [3]))
        )
        let sent = self.message(labels: ["SENT"], from: "ann@fund.example", to: "x@birch.example, solo@gmail.com")
        #expect(
            CaptureRules.decide(sent, self.context) == .keep(.init(direction: .sent, contactIds: [8], investorIds: [4]))
        )
    }

    @Test func aFreeMailDomainNeverMakesADomainMatch() {
        let stranger = self.message(from: "someone@gmail.com")
        #expect(CaptureRules.decide(stranger, self.context) == .skip(.noKnownParticipant))
    }

    @Test(arguments: [
        (["DRAFT"], [(String, String)](), CaptureRules.SkipReason.draft),
        (["SPAM"], [], .spamOrTrash), (["TRASH", "INBOX"], [], .spamOrTrash), (["CHAT"], [], .chat),
        (["INBOX"], [("List-Id", "<lps.alder.example>")], .bulk),
        (["INBOX"], [("List-Unsubscribe", "<mailto:u@alder.example>")], .bulk),
        (["INBOX"], [("Precedence", " Bulk ")], .bulk), (["INBOX"], [("Auto-Submitted", "auto-replied")], .bulk),
    ])
    func labelsAndBulkHeadersSkip(labels: [String], extra: [(String, String)], reason: CaptureRules.SkipReason) {
        #expect(CaptureRules.decide(self.message(labels: labels, extra: extra), self.context) == .skip(reason))
    }

    @Test func autoSubmittedNoIsAPerson() {
        let reply = self.message(extra: [("Auto-Submitted", "no")])
        #expect(CaptureRules.decide(reply, self.context) != .skip(.bulk))
    }

    @Test func teamOnlyBlockedAutomatedCrowdedAndSenderless() {
        #expect(
            CaptureRules.decide(self.message(from: "bob@fund.example", to: "ann@fund.example"), self.context)
                == .skip(.teamOnly)
        )
        #expect(
            CaptureRules.decide(self.message(to: "ann@fund.example, Lawyer@Firm.example"), self.context)
                == .skip(.blocked)
        )
        #expect(CaptureRules.decide(self.message(to: "mum@family.example"), self.context) == .skip(.blocked))
        #expect(
            CaptureRules.decide(self.message(from: "no-reply@alder.example"), self.context) == .skip(.automatedSender)
        )
        #expect(
            CaptureRules.decide(self.message(from: "Notifications@alder.example"), self.context)
                == .skip(.automatedSender)
        )
        let crowd = (1...6).map { "p\($0)@alder.example" }.joined(separator: ", ")
        #expect(CaptureRules.decide(self.message(to: crowd), self.context) == .skip(.tooManyRecipients))
        #expect(CaptureRules.decide(self.message(from: "not an address"), self.context) == .skip(.noSender))
    }

    @Test func bccOnTheSendersCopyCounts() {
        let sent = self.message(
            labels: ["SENT"],
            from: "ann@fund.example",
            to: "bob@fund.example",
            extra: [("Bcc", "jane@alder.example")]
        )
        #expect(
            CaptureRules.decide(sent, self.context) == .keep(.init(direction: .sent, contactIds: [7], investorIds: [3]))
        )
    }
}

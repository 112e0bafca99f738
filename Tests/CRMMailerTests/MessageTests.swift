import CCurl
import Foundation
import Shared
import Testing

@testable import crm_mailer

/// Decoders written here, independently of the encoders, to check what a mail client would see.
enum Decode {
    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
                let byte = UInt8(String(decoding: source[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func encodedWords(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "?==?UTF-8?B?").joined(separator: "")
            .replacingOccurrences(of: "=?UTF-8?B?", with: "").replacingOccurrences(of: "?=", with: "")
            .split(separator: " ").map { String(decoding: Data(base64Encoded: String($0)) ?? Data(), as: UTF8.self) }
            .joined(separator: " ")
    }
}

@Suite struct QuotedPrintableTests {
    @Test(arguments: [
        "plain", "", "a = b", "trailing space \nnext", "tab\t", ".\n..leading dots", "Zoë — café ☕ 日本語",
        String(repeating: "x", count: 200), String(repeating: "é", count: 100), "line\r\nwindows\rold mac",
    ])
    func encodesLosslesslyInShortASCIILines(text: String) {
        let encoded = QuotedPrintable.encode(text)
        let ascii = encoded.allSatisfy(\.isASCII)
        #expect(ascii)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76, "\(line)")
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "a trailing blank would be lost in transit")
            #expect(!line.hasPrefix("."))
        }
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let decoded = Decode.quotedPrintable(encoded).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(decoded == normalized)
    }
}

@Suite struct EncodedWordsTests {
    @Test func plainASCIIStaysAsItIs() {
        #expect(EncodedWords.encode("Weekly digest: 3 investors") == "Weekly digest: 3 investors")
    }

    @Test(arguments: [
        "Zoë", "Activité du jour — café ☕ avec les investisseurs de Zürich et d'Ōsaka, résumé complet",
        "=?UTF-8?B?looks encoded?=", String(repeating: "日本", count: 60), "tab\there",
    ])
    func otherTextBecomesShortWordsThatDecodeBack(text: String) {
        let encoded = EncodedWords.encode(text, used: 9)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0].count + 9 <= 78)
        for line in lines.dropFirst() { #expect(line.count <= 78 && line.hasPrefix(" ")) }
        let ascii = encoded.allSatisfy(\.isASCII)
        #expect(ascii)
        let decoded = Decode.encodedWords(encoded)
        #expect(decoded == text)
    }
}

@Suite struct MailboxTests {
    @Test func parsesBareAndNamedAddresses() throws {
        #expect(Mailbox("crm@example.com") == Mailbox(address: "crm@example.com"))
        let named = try #require(Mailbox("  \"Fund, CRM\" <crm@example.com> "))
        #expect(named.name == "Fund, CRM" && named.address == "crm@example.com")
        #expect(named.header() == #""Fund, CRM" <crm@example.com>"#)
        #expect(try #require(Mailbox("Zoë <z@example.com>")).header() == "=?UTF-8?B?Wm/Dqw==?= <z@example.com>")
    }

    @Test(arguments: [
        "", "no-at-sign", "@example.com", "a@", "a b@example.com", "x <a@b.c", "a@b.c\r\nBcc: x@y.z", "<>", "a@b@c",
    ])
    func refusesWhatIsNotAnAddress(text: String) {
        #expect(Mailbox(text) == nil)
    }
}

@Suite struct MIMEMessageTests {
    func message(html: String? = "<p>Hi</p>") -> MIMEMessage {
        MIMEMessage(
            from: Mailbox("Venture CRM <crm@example.com>")!,
            to: [Mailbox(address: "ada@example.com"), Mailbox(address: "bob@example.com")],
            subject: "Digest für Zoë",
            messageId: "<abc@crm.example.com>",
            date: Date(timeIntervalSince1970: 1_795_000_000),
            text: "Hello\nthere",
            html: html,
            boundary: "=_crm_abc"
        )
    }

    @Test func multipartAlternativeHasEveryHeaderAndBothParts() {
        let rendered = self.message().rendered()
        let (head, body) = (rendered.components(separatedBy: "\r\n\r\n")[0], rendered)
        #expect(head.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"))
        #expect(head.contains("From: \"Venture CRM\" <crm@example.com>"))
        #expect(head.contains("To: ada@example.com,\r\n bob@example.com"))
        #expect(head.contains("Subject: =?UTF-8?B?"))
        #expect(head.contains("Message-ID: <abc@crm.example.com>"))
        #expect(head.contains("MIME-Version: 1.0"))
        #expect(head.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_crm_abc\""))
        #expect(
            body.contains(
                "--=_crm_abc\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello\r\nthere"
            )
        )
        #expect(body.contains("Content-Type: text/html; charset=UTF-8"))
        #expect(body.hasSuffix("--=_crm_abc--\r\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func withoutHTMLItIsOnePlainPart() {
        let rendered = self.message(html: nil).rendered()
        #expect(!rendered.contains("multipart"))
        #expect(
            rendered.contains(
                "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello"
            )
        )
    }
}

@Suite struct SMTPFailureTests {
    @Test func fiveHundredsArePermanentEverythingElseRetries() {
        #expect(!SMTPFailure.classify(curlCode: CURLE_SEND_ERROR, responseCode: 550).retryable)
        #expect(!SMTPFailure.classify(curlCode: CURLE_RECV_ERROR, responseCode: 554).retryable)
        #expect(SMTPFailure.classify(curlCode: CURLE_RECV_ERROR, responseCode: 451).retryable)
        #expect(SMTPFailure.classify(curlCode: CURLE_COULDNT_CONNECT, responseCode: 0).retryable)
        #expect(SMTPFailure.classify(curlCode: CURLE_OPERATION_TIMEDOUT, responseCode: 250).retryable)
        // A refused login is the admin's to fix, not the message's fault: it is retried.
        let login = SMTPFailure.classify(curlCode: CURLE_LOGIN_DENIED, responseCode: 535)
        #expect(login.retryable && login.description == "curl 67: The SMTP server refused the username or password.")
        #expect(
            SMTPFailure.classify(curlCode: CURLE_SEND_ERROR, responseCode: 552).description
                == "smtp 552: The SMTP server refused the message for good."
        )
    }

    @Test func afterTheFinalDotOnlyAnAnswerSaysWhatHappened() {
        // 354 is the last reply heard when the answer to the final dot never came.
        for (curl, response) in [(CURLE_OPERATION_TIMEDOUT, 354), (CURLE_RECV_ERROR, 354), (CURLE_SEND_ERROR, 0)] {
            let failure = SMTPFailure.classify(curlCode: curl, responseCode: response, afterFinalDot: true)
            #expect(failure == .uncertain && !failure.retryable)
        }
        #expect(SMTPFailure.classify(curlCode: CURLE_RECV_ERROR, responseCode: 451, afterFinalDot: true).retryable)
        #expect(!SMTPFailure.classify(curlCode: CURLE_RECV_ERROR, responseCode: 550, afterFinalDot: true).retryable)
        #expect(SMTPFailure.classify(curlCode: CURLE_OPERATION_TIMEDOUT, responseCode: 354).retryable)
    }
}

@Suite struct MailerSettingsTests {
    @Test func backoffDoublesWithJitterUpToTheCap() throws {
        let settings = try MailerSettings.load(environment: [
            "CRM_MAIL_RETRY_BASE_S": "10", "CRM_MAIL_RETRY_CAP_S": "100",
        ])
        for _ in 0..<50 {
            #expect((7.5...12.5).contains(settings.retryDelay(afterAttempt: 1)))
            #expect((30...50).contains(settings.retryDelay(afterAttempt: 3)))
            #expect((75...125).contains(settings.retryDelay(afterAttempt: 20)))
        }
    }

    @Test func theLeaseOutlastsOneWholeExchange() throws {
        let settings = try MailerSettings.load(environment: ["CRM_MAIL_LEASE_S": "2"])
        var smtp = try #require(try SMTPConfig.load(environment: ["SMTP_HOST": "h.example.com", "SMTP_FROM": "a@b.c"]))
        smtp.timeout = .seconds(30)
        smtp.connectTimeout = .seconds(5)
        #expect(settings.effectiveLease(smtp: smtp) == 66)
        #expect(settings.effectiveLease(smtp: nil) == 2)
    }

    @Test(arguments: [("CRM_MAIL_MAX_ATTEMPTS", "0"), ("CRM_MAIL_RETRY_BASE_S", "soon"), ("CRM_MAIL_LEASE_S", "-1")])
    func badValuesNameTheirVariable(variable: String, value: String) {
        #expect(throws: (any Error).self) { try MailerSettings.load(environment: [variable: value]) }
    }
}

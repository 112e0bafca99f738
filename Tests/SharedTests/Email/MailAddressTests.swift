import Foundation
import Testing

@testable import Shared

/// Address lists as mail programs really write them, and as hostile senders might.
struct MailAddressTests {
    @Test func namesAnglesBareAddressesAndQuotedCommas() {
        let list = MailAddress.list(#""Doe, Jane" <Jane@LP.example>, bob@fund.example, Ann Lee <ann@fund.example>"#)
        #expect(
            list == [
                MailAddress(name: "Doe, Jane", address: "jane@lp.example"),
                MailAddress(name: nil, address: "bob@fund.example"),
                MailAddress(name: "Ann Lee", address: "ann@fund.example"),
            ]
        )
        #expect(list[0].domain == "lp.example" && list[0].localPart == "jane")
    }

    @Test func groupsCommentsAndEncodedNames() {
        #expect(MailAddress.list("undisclosed-recipients:;").isEmpty)
        #expect(
            MailAddress.list("Team: a@x.example, b@y.example; c@z.example").map(\.address)
                == ["a@x.example", "b@y.example", "c@z.example"]
        )
        #expect(MailAddress.list("jane@lp.example (Jane, at home)").map(\.address) == ["jane@lp.example"])
        #expect(MailAddress.first("=?utf-8?B?SsO8cmdlbg==?= <j@lp.example>")?.name == "Jürgen")
        #expect(MailAddress.first("=?iso-8859-1?Q?Fran=E7ois_Dupont?= <f@lp.example>")?.name == "François Dupont")
    }

    @Test func junkIsDroppedAndHugeHeadersStayCheap() {
        #expect(MailAddress.list("not an address, <>, @, a@, \"unterminated <x@y.example").isEmpty)
        #expect(MailAddress.list("a@x.example, A@X.example").count == 1, "the same address once")
        let huge = Array(repeating: "someone@lp.example", count: 5000).enumerated().map {
            "p\($0.offset).\($0.element)"
        }
        #expect(MailAddress.list(huge.joined(separator: ", ")).count <= 1000)
        #expect(MailAddress.list(String(repeating: "(", count: 100_000)).isEmpty)
        #expect(MailAddress.first("\"\u{202E}evil\" <e@lp.example>")?.name == "evil", "no direction overrides in names")
    }

    @Test func encodedWordsJoinAndMalformedOnesStay() {
        #expect(EncodedWords.decode("=?utf-8?Q?Q3_close?= =?utf-8?Q?_update?=") == "Q3 close update")
        #expect(EncodedWords.decode("Re: =?UTF-8?B?w6lsw6k=?= ok") == "Re: élé ok")
        #expect(EncodedWords.decode("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=")
        #expect(EncodedWords.decode("=?utf-8?Q?bad=Z?=") == "=?utf-8?Q?bad=Z?=")
        #expect(EncodedWords.decode("plain") == "plain")
    }

    @Test func charsetsAndTheirFallbacks() {
        #expect(Charset.decode([0x66, 0xE9, 0x65], charset: "iso-8859-1") == "fée")
        #expect(Charset.decode([0x93, 0x68, 0x69, 0x94], charset: "us-ascii") == "“hi”", "mislabelled cp1252")
        #expect(Charset.decode(Array("日本".utf8), charset: "x-unknown") == "日本")
        #expect(Charset.decode([0x82, 0xA0], charset: "shift_jis") == "あ")
        #expect(Charset.decode([0xFF, 0xFE, 0x00], charset: nil).isEmpty == false)
    }
}

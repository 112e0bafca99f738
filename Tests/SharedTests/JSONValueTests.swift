import Foundation
import PropertyBased
import Testing

@testable import Shared

@Suite struct JSONValueTests {
    @Test func decodingKeepsBooleansNumbersAndNullsApart() {
        let value = JSONValue.decode(
            #"{"t":true,"f":false,"one":1,"zero":0,"x":1.5,"big":12345678901234,"s":"hi","n":null,"a":[1,true,"1",[]],"o":{}}"#
        )
        #expect(
            value == [
                "t": true, "f": false, "one": 1, "zero": 0, "x": 1.5, "big": 12_345_678_901_234, "s": "hi", "n": nil,
                "a": [1, true, "1", []], "o": [:],
            ]
        )
    }

    @Test func encodeThenDecodeIsTheSameValue() {
        let values: [JSONValue] = [
            .null, true, false, 0, -2.5, 1e15, "", "quote \" and \\ and é and \n", [1, [2, [3]]],
            ["nested": ["deep": [true, nil, "x"]]],
        ]
        for value in values {
            #expect(JSONValue.decode(JSONValue.encode(value)) == value, "\(value)")
        }
    }

    @Test(arguments: ["", "{", "nul", "\u{0}", "{\"a\":}"])
    func malformedTextIsNil(text: String) {
        #expect(JSONValue.decode(text) == nil)
    }

    /// The direct writer writes what JSONEncoder with sorted keys writes, for random values.
    @Test func theWriterMatchesJSONEncoder() async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let characters = Array("aZ0 \"\\/\n\r\t\u{0}\u{1F}\u{7F}é€😀\u{2028}<>&'_%")
        let numbers: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.15, 1234.56, 1e15, 1e16, 1e21, 1.5e-7, 123_456_789_012_345_678, 0.30000000000000004,
            -98_000_000_000, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude,
        ]
        func random(_ depth: Int, _ rng: inout Xoshiro) -> JSONValue {
            switch Int.random(in: 0...(depth > 2 ? 3 : 5), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2:
                return .number(
                    Bool.random(using: &rng)
                        ? numbers.randomElement(using: &rng)! : Double.random(in: -1e9...1e9, using: &rng)
                )
            case 3:
                return .string(
                    String((0..<Int.random(in: 0...8, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
                )
            case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in random(depth + 1, &rng) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0...4, using: &rng) {
                    let key = String(
                        (0..<Int.random(in: 0...4, using: &rng)).map { _ in characters.randomElement(using: &rng)! }
                    )
                    members[key] = random(depth + 1, &rng)
                }
                return .object(members)
            }
        }
        await propertyCheck(count: 500, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 7, 11, 13))
            let value = random(0, &rng)
            let expected = String(decoding: try! encoder.encode(value), as: UTF8.self)
            #expect(JSONValue.encode(value) == expected)
        }
    }
}

/// The arithmetic ISO 8601 path agrees with Foundation's formatter.
@Suite struct ISO8601Tests {
    @Test func arithmeticMatchesTheFormatter() async {
        let formatter = ISO8601DateFormatter()
        await propertyCheck(count: 2000, input: Gen.int(in: -62_135_596_800...253_402_300_799)) { seconds in
            let date = Date(timeIntervalSince1970: TimeInterval(seconds) + 0.25)
            let expected = formatter.string(from: date)
            #expect(ISO8601.string(date) == expected)
            #expect(ISO8601.date(expected) == formatter.date(from: expected))
        }
        for text in [
            "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00+02:00",
            "0000-01-01T00:00:00Z", "2024-01-01 00:00:00Z",
        ] {
            #expect(ISO8601.date(text) == formatter.date(from: text), "\(text)")
        }
    }
}

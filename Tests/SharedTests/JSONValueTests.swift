import Foundation
import Testing
@testable import Shared

@Suite struct JSONValueTests {
    @Test func decodingKeepsBooleansNumbersAndNullsApart() {
        let value = JSONValue.decode(#"{"t":true,"f":false,"one":1,"zero":0,"x":1.5,"big":12345678901234,"s":"hi","n":null,"a":[1,true,"1",[]],"o":{}}"#)
        #expect(value == [
            "t": true, "f": false, "one": 1, "zero": 0, "x": 1.5, "big": 12_345_678_901_234, "s": "hi", "n": nil,
            "a": [1, true, "1", []], "o": [:],
        ])
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
}

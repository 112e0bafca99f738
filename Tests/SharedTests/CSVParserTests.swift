import Foundation
import PropertyBased
import Testing

@testable import Shared

@Suite struct CSVParserTests {
    func parse(_ text: String, chunk: Int = 64 * 1024) -> (records: [CSVRecord], problems: [CSVProblem]) {
        CSVParser.parse(Array(text.utf8), chunkSize: chunk)
    }

    func cells(_ text: String) -> [[String]] { self.parse(text).records.map(\.fields) }

    @Test func airtableTraits() {
        // BOM, LF, no final newline.
        #expect(self.cells("\u{FEFF}Name,Notes\nAcme,ok") == [["Name", "Notes"], ["Acme", "ok"]])
        // CRLF with a final CRLF, and line breaks inside quoted cells are LF.
        #expect(self.cells("Name,Notes\r\nAcme,\"two\nlines\"\r\n") == [["Name", "Notes"], ["Acme", "two\nlines"]])
        // Doubled quotes, commas, the second layer quoted again.
        #expect(
            self.cells(#"a,"""Acme, Inc.""","Seed ,""Series A, lead""""# + "\n") == [
                ["a", "\"Acme, Inc.\"", "Seed ,\"Series A, lead\""]
            ]
        )
        // A lone CR is cell text; leading and trailing spaces, U+202F and combining marks stay.
        #expect(self.cells("a\rb,c\n") == [["a\rb", "c"]])
        #expect(self.cells(" x ,\u{202F}y,e\u{301},Url \n") == [[" x ", "\u{202F}y", "e\u{301}", "Url "]])
        // Blank records mid-file, a trailing empty column, ragged rows returned as they are.
        #expect(self.cells("a,b\n\n,\nc\nd,e,f,\n") == [["a", "b"], [""], ["", ""], ["c"], ["d", "e", "f", ""]])
        // A quoted cell may end in a line break; a quote inside an unquoted cell is text.
        #expect(self.cells("\"x\n\",ab\"c\n") == [["x\n", "ab\"c"]])
        #expect(self.cells("") == [] && self.cells("\u{FEFF}") == [] && self.cells("\n") == [[""]])
    }

    @Test func linesAndOffsetsCountPhysicalLinesAndBytes() {
        let records = self.parse("\u{FEFF}h1,h2\n\"a\nb\",c\r\nd,e").records
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records.map(\.byteOffset) == [3, 9, 18])
    }

    @Test func malformedRecordsAreReportedAndTheRestIsRead() {
        let junk = self.parse("h\n\"x\"junk,1\nok\n")
        #expect(junk.records.map(\.fields) == [["h"], ["ok"]])
        #expect(junk.problems == [CSVProblem(kind: .textAfterClosingQuote, line: 2, byteOffset: 2, faultOffset: 5)])

        let open = self.parse("h\nfine\n\"never closed,\nmore\nrows\n")
        #expect(open.records.map(\.fields) == [["h"], ["fine"]])
        #expect(open.problems.map(\.kind) == [.unterminatedQuote] && open.problems[0].line == 3)
        #expect(open.problems[0].description.contains("line 3"))

        var bad = Array("h\nok\n".utf8)
        bad += [0x61, 0xFF, 0xFE, 0x2C, 0x62, 0x0A] + Array("after\n".utf8)
        let utf8 = CSVParser.parse(bad)
        #expect(utf8.records.map(\.fields) == [["h"], ["ok"], ["after"]])
        #expect(utf8.problems == [CSVProblem(kind: .invalidUTF8, line: 3, byteOffset: 5, faultOffset: 6)])

        // A bad cell before others: the whole record is skipped and the fault is the bad cell's.
        let middle = CSVParser.parse(Array("h\nx,".utf8) + [0x61, 0xFF] + Array(",b,c\nnext\n".utf8))
        #expect(middle.records.map(\.fields) == [["h"], ["next"]])
        #expect(middle.problems == [CSVProblem(kind: .invalidUTF8, line: 2, byteOffset: 2, faultOffset: 5)])
    }

    @Test func limitsStopHostileInput() {
        let wide = String(repeating: ",", count: 1_000_000) + "\nnext\n"
        let parsed = self.parse(wide)
        #expect(parsed.problems.map(\.kind) == [.tooManyFields(limit: 10_000)])
        #expect(parsed.records.map(\.fields) == [["next"]])
        var parser = CSVParser(maximumFieldBytes: 10)
        var problems: [CSVProblem] = []
        var records: [CSVRecord] = []
        Array("0123456789ABC,x\nfine\n".utf8).withUnsafeBytes {
            parser.feed($0, record: { records.append($0) }, problem: { problems.append($0) })
        }
        parser.finish(record: { records.append($0) }, problem: { problems.append($0) })
        #expect(problems.map(\.kind) == [.fieldTooLong(limit: 10)] && records.map(\.fields) == [["fine"]])
        // Binary garbage: no crash, every problem has a line.
        var random = SystemRandomNumberGenerator()
        let garbage = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let noise = CSVParser.parse(garbage, chunkSize: 997)
        #expect(noise.problems.allSatisfy { $0.line >= 1 })
    }

    @Test func secondLayerItems() {
        #expect(CSVParser.items("ML,SaaS") == ["ML", "SaaS"])
        #expect(CSVParser.items(#""Acme, Inc.",Beta"#) == ["Acme, Inc.", "Beta"])
        #expect(CSVParser.items(#"Seed ,"Series A, lead""#) == ["Seed ", "Series A, lead"])
        #expect(CSVParser.items("") == [] && CSVParser.items(#""open"#) == [#""open"#])
    }

    @Test func aFileIsReadInChunks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crm-csv-\(UUID().uuidString).csv")
            .path
        let rows = (0..<5000).map { "Investor \($0),\"note, with comma\nand line\",\($0)" }
        try Data(("\u{FEFF}Name,Notes,N\n" + rows.joined(separator: "\n")).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var count = 0
        var last: CSVRecord?
        try CSVParser.read(
            path: path,
            record: {
                count += 1
                last = $0
            },
            problem: { Issue.record("\($0)") }
        )
        #expect(
            count == 5001 && last?.fields == ["Investor 4999", "note, with comma\nand line", "4999"]
                && last?.line == 10000
        )
    }

    /// Random tables written with RFC 4180 minimal quoting read back exactly, whatever the chunk size.
    @Test func writtenThenReadIsTheSameTable() async {
        let alphabet = Array("ab ,\"\n\r\té€😀\u{202F}\u{301}x;'")
        await propertyCheck(count: 200, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var random = Xoshiro(seed: (UInt64(seed), 3, 5, 8))
            let columns = Int.random(in: 1...5, using: &random)
            let table: [[String]] = (0..<Int.random(in: 1...8, using: &random)).map { _ in
                (0..<columns).map { _ in
                    String(
                        (0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
                    )
                }
            }
            let crlf = Bool.random(using: &random)
            let encoded = table.map { row in
                row.map { cell in
                    cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
            }.joined(separator: crlf ? "\r\n" : "\n")
            let text =
                (Bool.random(using: &random) ? "\u{FEFF}" : "") + encoded
                + (Bool.random(using: &random) ? (crlf ? "\r\n" : "\n") : "")
            let parsed = CSVParser.parse(Array(text.utf8), chunkSize: Int.random(in: 1...64, using: &random))
            // A lone unquoted empty single-cell row at the end is indistinguishable from no row.
            let expected = table.last == [""] && text.utf8.last != 0x0A ? Array(table.dropLast()) : table
            #expect(parsed.problems == [])
            #expect(parsed.records.map(\.fields) == expected, "\(text.debugDescription)")
        }
    }
}

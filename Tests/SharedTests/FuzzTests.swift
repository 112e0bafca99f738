import Foundation
import GRDB
import PropertyBased
import SharedTesting
import Synchronization
import Testing

@testable import Shared

/// Hostile input for the parsers and evaluators: formula trees nobody checked, view definitions
/// of any shape, CSV files of any bytes. Nothing may crash or hang (the suite's time limit), and
/// what is refused is refused as the input's fault. `CRM_FUZZ_COUNT` sets the inputs per property
/// (the long run: `CRM_FUZZ_COUNT=1000000 swift test --filter FuzzTests`; the CSV property, a real
/// dry-run import per file, in runs of 250,000 to stay inside the time limit).
@Suite(.timeLimit(.minutes(20))) struct FuzzTests {
    static func count(_ normal: Int) -> Int {
        ProcessInfo.processInfo.environment["CRM_FUZZ_COUNT"].flatMap(Int.init) ?? normal
    }

    /// Trees the checker would refuse too, evaluated anyway: the evaluator's own limits hold.
    @Test func anyFormulaTreeEvaluatesWithinItsLimits() async {
        var limits = FormulaLimits()
        limits.maxSteps = 5_000
        let sandbox = limits
        await propertyCheck(count: Self.count(3_000), input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 3, 5, 7))
            let tree = FormulaPropertyTests.anyTree(0, &rng)
            let value = FormulaEvaluator.evaluate(tree, FormulaFixture.context(limits: sandbox))
            if value.fault == nil { #expect(value.text.utf16.count <= sandbox.maxTextLength * 2) }
        }
    }

    static let mailPieces = [
        "<", ">", "\"", "\\", "(", ")", ",", ";", ":", "@", "=?", "?=", "?B?", "?Q?", "utf-8", "=C3=A9", "_", " ",
        "\n", "\r\n", "<div", "</div>", "<blockquote type=\"cite\">", "</blockquote>", "<!--", "-->", "&amp;",
        "&#x", "&#", ";", "style=\"display:none\"", "class=\"gmail_quote\"", "On Mon wrote:", "-- ", "> ",
        "jane@alder.example", "a", "é", "\u{202E}", "\u{200B}", "\u{0}", "<script>", "</script>", "<br>", "=",
    ]

    /// Address lists, encoded words and message bodies of any shape: parsed without a crash, and
    /// what comes out stays within its bounds.
    @Test func anyHeaderOrBodyParsesWithinBounds() async {
        await propertyCheck(count: Self.count(3_000), input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 11, 13, 17))
            let text = (0..<Int.random(in: 0...60, using: &rng)).map { _ in Self.mailPieces.randomElement(using: &rng)!
            }
            .joined()
            let list = MailAddress.list(text)
            #expect(list.count <= 1000 && list.allSatisfy { EmailAddress.normalized($0.address) == $0.address })
            _ = EncodedWords.decode(text)
            for type in ["text/plain", "text/html"] {
                let body = MessageText.extract(MailPart(mimeType: type, data: Data(text.utf8)))
                #expect(body.count <= MessageText.maximumCharacters)
                #expect(!body.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{200B}" || $0 == "\u{0}" })
            }
        }
    }

    static let definitionKeys = [
        "v", "filter", "conjunction", "conditions", "field", "operator", "value", "sorts", "direction", "group_by",
        "fields", "key", "width", "hidden", "search", "frozen", "row_height", "relative", "days",
    ]
    static let definitionWords = [
        "name", "stage", "check_size_min", "last_contacted", "notes", "owner_id", "and", "or", "is", "contains", "gte",
        "is_within", "is_any_of", "has_all_of", "asc", "desc", "short", "past_week", "today", "MEETING", "", "é😀",
    ]

    /// Any JSON value built from the definitions' keys and words, nested and mistyped.
    static func anyJSON(_ depth: Int, _ rng: inout Xoshiro) -> JSONValue {
        switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number([0, 1, -1, 3, 40, 2_001, 1e300, 0.5].randomElement(using: &rng)!)
        case 3, 4: return .string(Self.definitionWords.randomElement(using: &rng)!)
        case 5: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in Self.anyJSON(depth + 1, &rng) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                object[Self.definitionKeys.randomElement(using: &rng)!] = Self.anyJSON(depth + 1, &rng)
            }
            return .object(object)
        }
    }

    /// A definition in the right shape with words from anywhere, one member in ten mistyped.
    static func definitionLike(_ rng: inout Xoshiro) -> JSONValue {
        func word() -> JSONValue { .string(Self.definitionWords.randomElement(using: &rng)!) }
        func one(_ words: [String]) -> JSONValue { .string(words.randomElement(using: &rng)!) }
        func sometimes(_ value: JSONValue) -> JSONValue {
            Int.random(in: 0..<20, using: &rng) == 0 ? Self.anyJSON(1, &rng) : value
        }
        let operators = FilterCondition.Operator.allCases.map(\.rawValue)
        func group(_ depth: Int) -> JSONValue {
            let conditions: [JSONValue] = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                depth < 4 && Int.random(in: 0..<4, using: &rng) == 0
                    ? group(depth + 1)
                    : sometimes(.object(["field": word(), "operator": one(operators), "value": Self.anyJSON(2, &rng)]))
            }
            return .object(["conjunction": sometimes(one(["and", "or"])), "conditions": .array(conditions)])
        }
        func orderings() -> JSONValue {
            .array(
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    sometimes(.object(["field": word(), "direction": one(["asc", "desc"])]))
                }
            )
        }
        var definition: [String: JSONValue] = ["v": 1]
        for key in ["filter", "sorts", "group_by", "fields", "search", "frozen", "row_height"]
        where Bool.random(using: &rng) {
            let value: JSONValue
            switch key {
            case "filter": value = group(0)
            case "sorts", "group_by": value = orderings()
            case "fields":
                value = .array(
                    (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                        .object([
                            "key": word(), "width": Self.anyJSON(4, &rng), "hidden": .bool(Bool.random(using: &rng)),
                        ])
                    }
                )
            case "frozen": value = Self.anyJSON(4, &rng)
            case "row_height": value = one(["short", "medium", "tall"])
            default: value = word()
            }
            definition[key] = sometimes(value)
        }
        return .object(definition)
    }

    @Test func anyViewDefinitionIsDecodedAndCheckedOrRefused() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let catalog = try await database.pool.read { db in try FieldDefinition.catalog(.investors, db) }
        let compiler = ViewCompiler(
            table: .investors,
            catalog: catalog,
            dates: ViewDates(now: Date(timeIntervalSince1970: 1_800_000_000), timeZone: .gmt)
        )
        let reached = Mutex((decoded: 0, valid: 0))
        let count = Self.count(3_000)
        await propertyCheck(count: count, input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 11, 13, 17))
            let data = try! JSONEncoder().encode(Self.definitionLike(&rng))
            guard let definition = try? JSONDecoder().decode(ViewDefinition.self, from: data) else { return }
            let problems = compiler.problems(definition)
            reached.withLock {
                $0.decoded += 1
                $0.valid += problems.isEmpty ? 1 : 0
            }
            if problems.isEmpty, let filter = definition.filter {
                #expect(throws: Never.self) { try compiler.filter(filter) }
            }
        }
        let (decoded, valid) = reached.withLock { $0 }
        #expect(decoded * 10 >= count && valid > 0, "the inputs reach the checker: \(decoded) decoded, \(valid) valid")
    }

    static let csvPieces: [[UInt8]] = [
        Array("Name".utf8), Array("Stage".utf8), Array("Check size min".utf8), Array("Notes".utf8), [0x2C], [0x2C],
        [0x0A],
        [0x0D, 0x0A], [0x0D], [0x22], [0x22, 0x22], Array("$1,000".utf8), Array("=SUM(A1)".utf8),
        Array("2026-03-07".utf8),
        Array("MEETING".utf8), [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0x00], Array("é😀".utf8), Array(" ".utf8),
        Array("x".utf8),
    ]

    @Test func anyCSVFileIsPlannedOrRefusedAsTheFilesFault() async throws {
        let directory = try TemporaryDirectory()
        let database = try directory.migratedDatabase()
        let importer = CSVImporter(database: database, now: { Date(timeIntervalSince1970: 1_800_000_000) })
        let path = directory.path + "/fuzz.csv"
        await propertyCheck(count: Self.count(400), input: Gen.int(in: 1...Int(Int32.max))) { seed in
            var rng = Xoshiro(seed: (UInt64(seed), 19, 23, 29))
            var bytes: [UInt8] = Bool.random(using: &rng) ? Array("Name,Stage,Notes\n".utf8) : []
            for _ in 0..<Int.random(in: 0...60, using: &rng) { bytes += Self.csvPieces.randomElement(using: &rng)! }
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let options = ImportOptions(table: .investors, fileName: "Investors-Grid view.csv", dryRun: true)
            do {
                _ = try await importer.run(path: path, options: options, by: nil)
            } catch is CSVImporter.Failure {
            } catch {
                Issue.record("\(bytes.count) bytes: \(error)")
            }
        }
    }
}

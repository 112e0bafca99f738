import Foundation
import Testing

@testable import Shared

@Suite struct ImportValuesTests {
    let zurich = TimeZone(identifier: "Europe/Zurich")!

    func read(_ text: String, _ type: FieldType, _ order: ImportValues.DateOrder? = .monthFirst) -> JSONValue? {
        if case .success(let value) = ImportValues.value(text, as: type, dateOrder: order, timeZone: self.zurich) {
            return value
        }
        return nil
    }

    @Test func airtableDisplayStringsReadAsValues() {
        #expect(
            self.read("12.9", .number) == 12.9 && self.read("1,500,000", .number) == 1_500_000
                && self.read("0", .number) == 0
        )
        #expect(self.read("$180.00", .currency) == 180 && self.read("$1,234.56", .currency) == 1234.56)
        #expect(
            self.read("₪6000000", .currency) == 6_000_000 && self.read("-$5", .currency) == -5
                && self.read("CHF 12.50", .currency) == 12.5
        )
        #expect(self.read("15%", .percent) == 0.15 && self.read("49.00%", .percent) == 0.49)
        #expect(self.read("checked", .checkbox) == true && self.read("", .checkbox) == false)
        #expect(
            self.read("1/15/2024", .date) == "2024-01-15" && self.read("15/1/2024", .date, .dayFirst) == "2024-01-15"
        )
        #expect(self.read("4 March 2024", .date) == "2024-03-04" && self.read("March 4, 2024", .date) == "2024-03-04")
        #expect(self.read("2024-01-15", .date) == "2024-01-15")
        #expect(self.read("1/15/2024 3:04pm", .datetime) == "2024-01-15T14:04:00Z", "Zurich is UTC+1 in January")
        #expect(self.read("2024-07-15 15:04", .datetime) == "2024-07-15T13:04:00Z", "UTC+2 in summer")
        #expect(self.read("12/1/2024 12:30 AM", .datetime) == "2024-11-30T23:30:00Z")
        #expect(self.read(#""Acme, Inc.",Beta"#, .multiSelect) == ["Acme, Inc.", "Beta"])
        #expect(self.read("", .multiSelect) == [] && self.read("", .text) == .null)
    }

    @Test func wrongValuesAreRefusedWithTheText() {
        for (text, type) in [
            ("12 apples", FieldType.number), ("$", .currency), ("15", .percent), ("maybe", .checkbox),
            ("31/31/2024", .date), ("2/30/2024", .date), ("1/15/2024 25:00", .datetime),
            ("1/15/2024 13:00pm", .datetime),
        ] {
            guard
                case .failure(let problem) = ImportValues.value(
                    text,
                    as: type,
                    dateOrder: .monthFirst,
                    timeZone: self.zurich
                )
            else {
                Issue.record("\(text) read as \(type)")
                continue
            }
            #expect(problem.message.contains(text))
        }
        guard
            case .failure(let ambiguous) = ImportValues.value(
                "3/4/2024",
                as: .date,
                dateOrder: nil,
                timeZone: self.zurich
            )
        else {
            Issue.record("an ambiguous date was guessed")
            return
        }
        #expect(ambiguous.message.contains("choose day-first or month-first"))
    }

    @Test func columnsAreInferredAndDateOrderDecidedFromAllValues() {
        #expect(ImportValues.infer(["checked", "", "checked"]).type == .checkbox)
        #expect(ImportValues.infer(["15%", "49.00%"]).type == .percent)
        #expect(ImportValues.infer(["12", "1,500", "-3.5"]).type == .number)
        #expect(ImportValues.infer(["$180.00", "$1,234.56", ""]).type == .currency)
        #expect(
            ImportValues.infer(["1/15/2024", "3/4/2024"]) == .init(type: .date, dateOrder: .monthFirst, choices: [])
        )
        #expect(ImportValues.infer(["15/1/2024", "3/4/2024"]) == .init(type: .date, dateOrder: .dayFirst, choices: []))
        #expect(
            ImportValues.infer(["3/4/2024", "5/6/2024"]) == .init(type: .date, dateOrder: nil, choices: []),
            "ambiguous: the caller chooses"
        )
        #expect(ImportValues.infer(["13/1/2024", "1/13/2024"]).type == .text, "contradicting orders are not dates")
        #expect(ImportValues.infer(["1/15/2024 3:04pm", "2024-01-15 15:04"]).type == .datetime)
        #expect(ImportValues.infer(["a@fund.com", "B@Fund.com"]).type == .email)
        #expect(ImportValues.infer(["https://acme.com", "https://beta.io/x"]).type == .url)
        let stages = ImportValues.infer(["Intro", "Meeting", "Intro", "Passed", "Intro", "Meeting"])
        #expect(stages == .init(type: .singleSelect, dateOrder: nil, choices: ["Intro", "Meeting", "Passed"]))
        let tags = ImportValues.infer(["ML,SaaS", "SaaS", "ML", "Fintech,ML", "SaaS", "ML"])
        #expect(tags.type == .multiSelect && tags.choices == ["ML", "SaaS", "Fintech"])
        #expect(ImportValues.infer(["Acme Capital", "Beta Partners", "Gamma LP"]).type == .text)
        #expect(ImportValues.infer(["line one\nline two", "x", "y"]).type == .longText)
        #expect(ImportValues.infer(["", " "]).type == .text)
    }
}

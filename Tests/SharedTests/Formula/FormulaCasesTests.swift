import Foundation
import Testing

@testable import Shared

/// A formula, and what Airtable's documented semantics say it gives for the fixture record.
struct FormulaCase: CustomTestStringConvertible, Sendable {
    let formula: String
    let expected: String
    var testDescription: String { self.formula }

    init(_ formula: String, _ expected: String) {
        self.formula = formula
        self.expected = expected
    }
}

/// Table-driven cases from Airtable's formula reference: syntax, coercions, blanks, errors and every function.
@Suite struct FormulaCasesTests {
    static let syntax: [FormulaCase] = [
        .init("1", "1"), .init("1.5", "1.5"), .init(".5", "0.5"), .init("1e3", "1000"),
        .init(#""abc""#, #""abc""#), .init("'abc'", #""abc""#), .init(#""a\"b""#, #""a"b""#),
        .init(#"'it\'s'"#, #""it's""#),
        .init(#""line\nbreak""#, "\"line\nbreak\""), .init("TRUE()", "TRUE"), .init("FALSE()", "FALSE"),
        .init("TRUE", "TRUE"),
        .init("false", "FALSE"), .init("true()", "TRUE"), .init("{Amount}", "1500000"), .init("Amount", "1500000"),
        .init("{ Amount }", "1500000"), .init("{amount}", "1500000"), .init("Price * Quantity", "50"),
        .init("1 +\n 2", "3"),
        .init("  (1 + 2) * 3  ", "9"), .init("1 + 2 * 3", "7"), .init("(1 + 2) * 3", "9"), .init("10 - 4 - 3", "3"),
        .init("24 / 4 / 2", "3"), .init("-5 + 2", "-3"), .init("-(2 + 3)", "-5"), .init("- -4", "4"),
        .init("2 * -3", "-6"),
        .init("1 + 2 & 3", #""33""#), .init(#""a" & 1 + 2"#, #""a3""#), .init("1 + 1 = 2", "TRUE"),
        .init(#""x" & "y" = "xy""#, "TRUE"),
        .init("1 < 2 = TRUE()", "TRUE"), .init("3 > 2 > 1", "FALSE"), .init("2 * 3 + 4 * 5", "26"),
        .init("10 / 4", "2.5"),
        .init("0.1 + 0.2", "0.30000000000000004"), .init("7 - 10", "-3"), .init("+5", "5"), .init("sum(1, 2)", "3"),
        .init("“curly”", #""curly""#),
    ]

    static let coercion: [FormulaCase] = [
        .init(#"{Name} & " - " & {Amount}"#, #""Acme Capital - 1500000""#),
        .init(#""Total: " & 3.5"#, #""Total: 3.5""#),
        .init(#"{Empty} & """#, #""""#), .init(#"{Zero} & """#, #""0""#), .init("{Empty} + 1", "1"),
        .init("{Empty} * 5", "0"),
        .init("{Empty} = 0", "TRUE"), .init(#"{Empty} = """#, "TRUE"), .init("BLANK() = 0", "TRUE"),
        .init(#"BLANK() = """#, "TRUE"),
        .init(#"{Zero} = """#, "TRUE"), .init(#"{Zero} & "" = """#, "FALSE"), .init("{Numeric Text} + 1", "43"),
        .init("{Numeric Text} = 42", "TRUE"), .init(#""abc" = "ABC""#, "FALSE"), .init(#""abc" != "abd""#, "TRUE"),
        .init("1 != 1", "FALSE"),
        .init("TRUE() + TRUE()", "2"), .init(#"TRUE() & """#, #""1""#), .init("{Flag} * 10", "10"),
        .init(#""b" > "a""#, "TRUE"),
        .init(#""apple" < "banana""#, "TRUE"), .init("2 >= 2", "TRUE"), .init("2 <= 1", "FALSE"),
        .init("{Empty} < 1", "TRUE"),
        .init("1 / 0", "Infinity"), .init("0 / 0", "NaN"), .init("{Amount} / {Empty}", "Infinity"),
        .init("-1 / 0", "Infinity"),
        .init(#"{Tags} & """#, #""LP, Family Office""#), .init(#"{Scores} & """#, #""1, 2, 3""#),
        .init(#"{Stage} = "Committed""#, "TRUE"),
        .init(#"{Close Date} = "2026-03-15""#, "TRUE"), .init("{Close Date} < {Start}", "TRUE"),
        .init(#"{Close Date} > "2026-01-01""#, "TRUE"),
        .init(#"{Close Date} & """#, #""2026-03-15""#), .init(#"{Meeting} & """#, #""2026-03-08T14:30:00.000Z""#),
        .init("{Start} - {Close Date}", "250"), .init("{Close Date} + 1", "2026-03-16"),
        .init("{Close Date} - 15", "2026-02-28"),
        .init(#""5" * "4""#, "20"), .init("{Numeric Text} * 2", "84"), .init("{Name} * 2", "#ERROR!"),
        .init("{Tags} + 1", "#ERROR!"),
        .init("-{Name}", "#ERROR!"),
    ]

    static let text: [FormulaCase] = [
        .init(#"CONCATENATE("a", "b", "c")"#, #""abc""#),
        .init(#"CONCATENATE({Name}, " ", 2026)"#, #""Acme Capital 2026""#),
        .init("CONCATENATE({Empty})", #""""#), .init(#"CONCATENATE({Tags}, "!")"#, #""LP, Family Office!""#),
        .init(#"ENCODE_URL_COMPONENT("a b&c")"#, #""a%20b%26c""#), .init(#"ENCODE_URL_COMPONENT("-_.~")"#, #""-_.~""#),
        .init(#"ENCODE_URL_COMPONENT("é")"#, #""%C3%A9""#), .init(#"FIND("Cap", {Name})"#, "6"),
        .init(#"FIND("cap", {Name})"#, "0"),
        .init(#"FIND("a", "banana", 3)"#, "4"), .init(#"FIND("z", "banana")"#, "0"), .init(#"FIND("", "abc")"#, "1"),
        .init(#"SEARCH("cap", {Name})"#, "6"), .init(#"SEARCH("z", "banana")"#, "BLANK"),
        .init(#"SEARCH("A", "banana", 3)"#, "4"),
        .init(#"LEFT("Venture", 4)"#, #""Vent""#), .init(#"LEFT("ab", 5)"#, #""ab""#),
        .init(#"LEFT("abc", 0)"#, #""""#),
        .init(#"LEFT("abc", -1)"#, "#ERROR!"), .init(#"RIGHT("Venture", 3)"#, #""ure""#),
        .init("RIGHT({Amount}, 3)", #""000""#),
        .init(#"LEN("hello")"#, "5"), .init("LEN({Empty})", "0"), .init(#"LEN("héllo")"#, "5"),
        .init("LEN({Amount})", "7"),
        .init(#"LOWER("AbC")"#, #""abc""#), .init(#"UPPER("straße")"#, #""STRASSE""#),
        .init(#"MID("Venture", 2, 3)"#, #""ent""#),
        .init(#"MID("abc", 5, 2)"#, #""""#), .init(#"MID("abc", 2, 10)"#, #""bc""#),
        .init(#"REPLACE("Venture", 1, 3, "Ad")"#, #""Adture""#),
        .init(#"REPLACE("abc", 2, 0, "X")"#, #""aXbc""#), .init(#"REPT("ab", 3)"#, #""ababab""#),
        .init(#"REPT("x", 0)"#, #""""#),
        .init(#"SUBSTITUTE("a-b-c", "-", "+")"#, #""a+b+c""#), .init(#"SUBSTITUTE("a-b-c", "-", "+", 2)"#, #""a-b+c""#),
        .init(#"SUBSTITUTE("abc", "", "x")"#, #""abc""#), .init(#"SUBSTITUTE("aaa", "a", "b", 5)"#, #""aaa""#),
        .init(#"T("text")"#, #""text""#), .init("T(42)", "BLANK"), .init("T({Empty})", "BLANK"),
        .init(#"TRIM("  padded  ")"#, #""padded""#), .init(#"TRIM(" a  b ")"#, #""a  b""#),
        .init("LEN(TRIM({Empty}))", "0"),
        .init("UPPER({Stage})", #""COMMITTED""#), .init("LOWER({Tags})", #""lp, family office""#),
        .init(#"LEFT({Name}, FIND(" ", {Name}) - 1)"#, #""Acme""#),
    ]

    static let logical: [FormulaCase] = [
        .init(#"AND(1, "a", TRUE())"#, "TRUE"), .init("AND(1, 0)", "FALSE"), .init("AND({Empty})", "FALSE"),
        .init(#"OR(0, "", {Empty})"#, "FALSE"), .init("OR(0, 1)", "TRUE"), .init("XOR(1, 1)", "FALSE"),
        .init("XOR(1, 0, 1, 1)", "TRUE"),
        .init("NOT(0)", "TRUE"), .init(#"NOT("x")"#, "FALSE"), .init(#"IF(1 > 0, "yes", "no")"#, #""yes""#),
        .init(#"IF(0, "yes", "no")"#, #""no""#), .init(#"IF(0, "yes")"#, "BLANK"),
        .init(#"IF({Empty}, "filled", "empty")"#, #""empty""#),
        .init(#"IF({Zero}, "nonzero", "zero")"#, #""zero""#), .init(#"IF({Name}, "named")"#, #""named""#),
        .init(#"IF({Zero} = "", "looks empty", "has value")"#, #""looks empty""#),
        .init(#"IF({Tags}, "tagged")"#, #""tagged""#),
        .init("IF({Zero} = 0, 0, 1 / {Zero})", "0"), .init("IF(ERROR(), 1, 2)", "#ERROR!"),
        .init(#"SWITCH({Stage}, "Prospect", 1, "Committed", 2, 0)"#, "2"),
        .init(#"SWITCH("x", "a", 1, "b", 2, "default")"#, #""default""#),
        .init(#"SWITCH("x", "a", 1)"#, "BLANK"), .init(#"SWITCH(2, 1, "one", 2, "two")"#, #""two""#),
        .init(#"SWITCH({Empty}, "", "blank", "other")"#, #""blank""#), .init("ISERROR(1 / 0)", "TRUE"),
        .init("ISERROR(0 / 0)", "TRUE"),
        .init("ISERROR(ERROR())", "TRUE"), .init(#"ISERROR("fine")"#, "FALSE"), .init("ISERROR({Name} * 2)", "TRUE"),
        .init("BLANK()", "BLANK"), .init("ERROR()", "#ERROR!"),
        .init(#"IF(ISERROR(VALUE("1.2.3")), "bad", "ok")"#, #""bad""#),
        .init("AND({Tags})", "TRUE"), .init("OR({Mixed})", "TRUE"), .init("NOT({Empty})", "TRUE"),
        .init("TRUE() = 1", "TRUE"),
        .init("FALSE() = 0", "TRUE"), .init(#"IF("0", "t", "f")"#, #""t""#),
        .init(#"IF({Flag}, "on", "off")"#, #""on""#),
    ]

    static let numeric: [FormulaCase] = [
        .init("ABS(-3.5)", "3.5"), .init("ABS({Empty})", "0"), .init("AVERAGE(1, 2, 3, 4)", "2.5"),
        .init("AVERAGE({Scores})", "2"),
        .init("AVERAGE({Scores}, 6)", "3"), .init("CEILING(2.1)", "3"), .init("CEILING(7, 5)", "10"),
        .init("CEILING(-2.5)", "-2"),
        .init("CEILING(12, 5)", "15"), .init("FLOOR(2.9)", "2"), .init("FLOOR(-2.1)", "-3"),
        .init("FLOOR(27, 10)", "20"),
        .init(#"COUNT(1, 2, "3", {Empty})"#, "2"), .init("COUNT({Scores})", "3"),
        .init(#"COUNTA(1, "", "a", {Empty})"#, "2"),
        .init("COUNTA({Mixed})", "3"), .init("COUNTALL({Mixed})", "5"), .init("COUNTALL(1, {Empty})", "2"),
        .init("EVEN(1.5)", "2"),
        .init("EVEN(3)", "4"), .init("EVEN(-0.1)", "-2"), .init("EVEN(2)", "2"), .init("ODD(2)", "3"),
        .init("ODD(-0.1)", "-1"),
        .init("ODD(1.5)", "3"), .init("EXP(0)", "1"), .init("EXP(1)", "2.718281828459045"), .init("INT(1.9)", "1"),
        .init("INT(-1.9)", "-2"),
        .init("LOG(100)", "2"), .init("LOG(1000)", "3"), .init("LOG(8, 2)", "3"), .init("LOG(0)", "Infinity"),
        .init("MAX(1, 5, 3)", "5"),
        .init("MAX({Scores})", "3"), .init("MIN(4, -2, 7)", "-2"), .init("MIN({Empty})", "0"),
        .init("MAX(-5, {Empty})", "-5"),
        .init("MOD(7, 3)", "1"), .init("MOD(-7, 3)", "-1"), .init("MOD(7.5, 2)", "1.5"), .init("MOD(5, 0)", "NaN"),
        .init("POWER(2, 10)", "1024"),
        .init("POWER(9, 0.5)", "3"), .init("POWER(-8, 1 / 3)", "NaN"), .init("ROUND(2.5, 0)", "3"),
        .init("ROUND(-2.5, 0)", "-2"),
        .init("ROUND(3.14159, 2)", "3.14"), .init("ROUND(16.8, -1)", "20"), .init("ROUND(1234.5678, -2)", "1200"),
        .init("ROUND(-1.55, 1)", "-1.5"),
        .init("ROUND(0.5, 0)", "1"), .init("ROUNDUP(3.2, 0)", "4"), .init("ROUNDUP(-3.2, 0)", "-4"),
        .init("ROUNDUP(1.1, 1)", "1.1"),
        .init("ROUNDUP(3.14159, 3)", "3.142"), .init("ROUNDDOWN(3.9, 0)", "3"), .init("ROUNDDOWN(-3.9, 0)", "-3"),
        .init("ROUNDDOWN(3.14159, 2)", "3.14"), .init("ROUNDUP(12, -1)", "20"), .init("ROUNDDOWN(19, -1)", "10"),
        .init("SQRT(16)", "4"),
        .init("SQRT(-1)", "NaN"), .init("SUM(1, 2, 3)", "6"), .init("SUM({Scores})", "6"),
        .init("SUM({Scores}, {Amount})", "1500006"),
        .init("SUM({Empty}, 5)", "5"), .init(#"SUM("4", 1)"#, "5"), .init(#"VALUE("$1,000,000")"#, "1000000"),
        .init(#"VALUE("12.5")"#, "12.5"),
        .init(#"VALUE("-3")"#, "-3"), .init(#"VALUE("50%")"#, "0.5"), .init(#"VALUE("1.2.3")"#, "NaN"),
        .init("VALUE({Numeric Text}) * 2", "84"),
        .init(#"SUM(1, "x")"#, "#ERROR!"),
    ]

    static let dates: [FormulaCase] = [
        .init(#"DATEADD({Close Date}, 10, "days")"#, "2026-03-25"),
        .init(#"DATEADD({Close Date}, 1, "months")"#, "2026-04-15"),
        .init(#"DATEADD("2026-01-31", 1, "M")"#, "2026-02-28"),
        .init(#"DATEADD("2024-01-31", 1, "months")"#, "2024-02-29"),
        .init(#"DATEADD({Close Date}, -1, "years")"#, "2025-03-15"),
        .init(#"DATEADD({Close Date}, 2, "weeks")"#, "2026-03-29"),
        .init(#"DATEADD({Close Date}, 1, "Q")"#, "2026-06-15"),
        .init(#"DATEADD({Meeting}, 90, "minutes")"#, "2026-03-08T16:00:00.000Z"),
        .init(#"DATEADD({Meeting}, 3, "h")"#, "2026-03-08T17:30:00.000Z"),
        .init(#"DATEADD({Meeting}, 30, "s")"#, "2026-03-08T14:30:30.000Z"),
        .init(#"DATEADD({Meeting}, 1500, "ms")"#, "2026-03-08T14:30:01.500Z"),
        .init(#"DATEADD({Empty}, 1, "days")"#, "BLANK"),
        .init(#"DATEADD({Close Date}, {Empty}, "days")"#, "2026-03-15"),
        .init(#"DATEADD("2026-03-08", 1, "days")"#, "2026-03-09"),
        .init("DATESTR({Meeting})", #""2026-03-08""#), .init(#"DATESTR("2026-07-04")"#, #""2026-07-04""#),
        .init(#"DATETIME_DIFF("2026-03-10", "2026-03-01", "days")"#, "9"),
        .init(#"DATETIME_DIFF("2026-03-01", "2026-03-10", "days")"#, "-9"),
        .init(#"DATETIME_DIFF({Start}, {Close Date}, "days")"#, "250"),
        .init(#"DATETIME_DIFF({Start}, {Close Date}, "weeks")"#, "35"),
        .init(#"DATETIME_DIFF({Start}, {Close Date}, "months")"#, "8"),
        .init(#"DATETIME_DIFF({Close Date}, {Start}, "months")"#, "-8"),
        .init(#"DATETIME_DIFF("2027-03-15", "2026-03-15", "years")"#, "1"),
        .init(#"DATETIME_DIFF("2027-03-14", "2026-03-15", "years")"#, "0"),
        .init(#"DATETIME_DIFF("2026-01-01T12:00:00Z", "2026-01-01T10:30:00Z", "minutes")"#, "90"),
        .init(#"DATETIME_DIFF("2026-01-01T12:00:00Z", "2026-01-01T10:30:00Z", "hours")"#, "1"),
        .init(#"DATETIME_DIFF("2026-01-01T00:00:10Z", "2026-01-01T00:00:00Z")"#, "10"),
        .init(#"DATETIME_DIFF("2026-01-01T00:00:01Z", "2026-01-01T00:00:00Z", "ms")"#, "1000"),
        .init(#"DATETIME_DIFF("2026-12-31", "2026-01-01", "Q")"#, "3"),
        .init(#"DATETIME_DIFF({Empty}, {Start}, "days")"#, "BLANK"),
        .init(#"DATETIME_FORMAT({Close Date}, "DD/MM/YYYY")"#, #""15/03/2026""#),
        .init(#"DATETIME_FORMAT({Close Date}, "MMMM D, YYYY")"#, #""March 15, 2026""#),
        .init(#"DATETIME_FORMAT({Close Date}, "ddd, MMM Do")"#, #""Sun, Mar 15th""#),
        .init(#"DATETIME_FORMAT({Close Date}, "dddd")"#, #""Sunday""#),
        .init(#"DATETIME_FORMAT({Meeting}, "h:mm A")"#, #""2:30 PM""#),
        .init(#"DATETIME_FORMAT({Meeting}, "HH:mm:ss")"#, #""14:30:00""#),
        .init(#"DATETIME_FORMAT({Meeting}, "YYYY-MM-DD [at] HH:mm")"#, #""2026-03-08 at 14:30""#),
        .init(#"DATETIME_FORMAT({Close Date}, "Q")"#, #""1""#),
        .init(#"DATETIME_FORMAT({Close Date}, "LL")"#, #""March 15, 2026""#),
        .init(#"DATETIME_FORMAT({Close Date}, "L")"#, #""03/15/2026""#),
        .init("DATETIME_FORMAT({Meeting})", #""2026-03-08T14:30:00.000Z""#),
        .init(#"DATETIME_FORMAT({Close Date}, "YY")"#, #""26""#),
        .init(#"DATETIME_FORMAT({Close Date}, "DDD")"#, #""74""#),
        .init(#"DATETIME_FORMAT("2026-01-01", "W")"#, #""1""#), .init(#"DATETIME_FORMAT("2027-01-01", "W")"#, #""53""#),
        .init(
            #"DATETIME_FORMAT(SET_TIMEZONE({Meeting}, "America/New_York"), "YYYY-MM-DD HH:mm")"#,
            #""2026-03-08 10:30""#
        ),
        .init(#"DATETIME_FORMAT(SET_TIMEZONE({Meeting}, "Asia/Tokyo"), "h:mm a")"#, #""11:30 pm""#),
        .init(#"DATETIME_FORMAT(SET_TIMEZONE({Meeting}, "America/New_York"), "Z")"#, #""-04:00""#),
        .init(#"DATETIME_FORMAT(SET_LOCALE({Close Date}, "fr"), "D MMMM YYYY")"#, #""15 mars 2026""#),
        .init(#"DATETIME_PARSE("15/03/2026", "DD/MM/YYYY")"#, "2026-03-15T00:00:00.000Z"),
        .init(#"DATETIME_PARSE("March 5, 2026")"#, "2026-03-05T00:00:00.000Z"),
        .init(#"DATETIME_PARSE("2026-03-05 14:45")"#, "2026-03-05T14:45:00.000Z"),
        .init(#"DATETIME_PARSE("3/5/2026 2:45 PM")"#, "2026-03-05T14:45:00.000Z"),
        .init(#"DATETIME_PARSE("1700000000", "X")"#, "2023-11-14T22:13:20.000Z"),
        .init(#"DATETIME_PARSE("not a date")"#, "#ERROR!"),
        .init(#"DATETIME_PARSE("05 mars 2026", "DD MMMM YYYY", "fr")"#, "2026-03-05T00:00:00.000Z"),
        .init("DAY({Close Date})", "15"), .init("MONTH({Close Date})", "3"), .init("YEAR({Close Date})", "2026"),
        .init("HOUR({Meeting})", "14"),
        .init("MINUTE({Meeting})", "30"), .init(#"SECOND(DATEADD({Meeting}, 7, "s"))"#, "7"),
        .init(#"HOUR(SET_TIMEZONE({Meeting}, "America/New_York"))"#, "10"), .init("DAY({Empty})", "BLANK"),
        .init(#"YEAR("2024-02-29")"#, "2024"),
        .init("NOW()", "2026-11-24T10:15:30.000Z"), .init("TODAY()", "2026-11-24"), .init("TONOW({Start})", "4"),
        .init(#"FROMNOW("2026-12-01")"#, "6"), .init("IS_AFTER({Start}, {Close Date})", "TRUE"),
        .init("IS_BEFORE({Start}, {Close Date})", "FALSE"),
        .init("IS_AFTER({Empty}, {Start})", "FALSE"), .init(#"IS_SAME({Close Date}, "2026-03-15")"#, "TRUE"),
        .init(#"IS_SAME({Close Date}, "2026-03-31", "month")"#, "TRUE"),
        .init(#"IS_SAME({Close Date}, "2026-04-01", "months")"#, "FALSE"),
        .init(#"IS_SAME({Close Date}, "2026-12-01", "y")"#, "TRUE"),
        .init(#"IS_SAME({Meeting}, "2026-03-08", "day")"#, "TRUE"),
        .init("TIMESTR({Meeting})", #""14:30:00""#), .init("WEEKDAY({Close Date})", "0"),
        .init("WEEKDAY({Start})", "5"),
        .init(#"WEEKDAY({Close Date}, "Monday")"#, "6"), .init(#"WEEKNUM("2026-01-01")"#, "1"),
        .init("WEEKNUM({Close Date})", "12"),
        .init(#"WEEKNUM({Close Date}, "Monday")"#, "11"), .init("WORKDAY({Start}, 1)", "2026-11-23"),
        .init("WORKDAY({Start}, 5)", "2026-11-27"),
        .init(#"WORKDAY({Start}, 5, "2026-11-26")"#, "2026-11-30"), .init("WORKDAY({Start}, -1)", "2026-11-19"),
        .init(#"WORKDAY_DIFF("2026-11-16", "2026-11-20")"#, "5"),
        .init(#"WORKDAY_DIFF("2026-11-20", "2026-11-23")"#, "2"),
        .init(#"WORKDAY_DIFF("2026-11-23", "2026-11-20")"#, "-2"),
        .init(#"WORKDAY_DIFF("2026-11-16", "2026-11-27", "2026-11-26, 2026-11-27")"#, "8"),
        .init(#"WEEKDAY("2026-13-45")"#, "#ERROR!"),
    ]

    static let arrays: [FormulaCase] = [
        .init("ARRAYJOIN({Tags})", #""LP, Family Office""#),
        .init(#"ARRAYJOIN({Tags}, "; ")"#, #""LP; Family Office""#),
        .init(#"ARRAYJOIN({Scores}, "+")"#, #""1+2+3""#), .init("ARRAYCOMPACT({Mixed})", #"[FALSE, " ", "a"]"#),
        .init("ARRAYUNIQUE({Dupes})", #"["A", "B", "C"]"#), .init("ARRAYSLICE({Letters}, 2, 3)", #"["B", "C"]"#),
        .init("ARRAYSLICE({Letters}, -2)", #"["C", "D"]"#), .init("ARRAYSLICE({Letters}, 3)", #"["C", "D"]"#),
        .init("ARRAYSLICE({Letters}, 5)", "[]"), .init("ARRAYFLATTEN({Nested})", "[1, 2, 3]"),
        .init(#"ARRAYJOIN(ARRAYFLATTEN({Nested}), "-")"#, #""1-2-3""#), .init("COUNTALL(ARRAYCOMPACT({Mixed}))", "3"),
        .init("ARRAYJOIN({Empty})", #""""#),
    ]

    static let record: [FormulaCase] = [
        .init("RECORD_ID()", #""42""#), .init("CREATED_TIME()", "2026-01-05T09:00:00.000Z"),
        .init("LAST_MODIFIED_TIME()", "2026-11-20T08:00:00.000Z"),
        .init("LAST_MODIFIED_TIME({Stage})", "2026-11-01T12:00:00.000Z"),
        .init("LAST_MODIFIED_TIME({Name})", "2026-11-20T08:00:00.000Z"),
        .init(#"DATETIME_DIFF(NOW(), CREATED_TIME(), "days")"#, "323"),
    ]

    static let regex: [FormulaCase] = [
        .init(#"REGEX_MATCH({Name}, "^Acme")"#, "TRUE"), .init(#"REGEX_MATCH({Name}, "^acme")"#, "FALSE"),
        .init(#"REGEX_MATCH({Name}, "(?i)^acme")"#, "TRUE"),
        .init(##"REGEX_EXTRACT("Order #12345 shipped", "[0-9]+")"##, #""12345""#),
        .init(#"REGEX_EXTRACT("no digits", "[0-9]+")"#, "BLANK"),
        .init(##"REGEX_REPLACE("a1b22c333", "[0-9]+", "#")"##, ##""a#b#c#""##),
        .init(#"REGEX_REPLACE("John Smith", "(\\w+) (\\w+)", "$2, $1")"#, #""Smith, John""#),
        .init(#"REGEX_REPLACE("aaa", "a*", "-")"#, #""--""#),
        .init(#"REGEX_REPLACE("price: 5", "\\d", "$$")"#, #""price: $""#),
        .init(#"REGEX_MATCH({Empty}, "^$")"#, "TRUE"), .init(#"REGEX_EXTRACT("café au lait", "é.")"#, #""é ""#),
        .init(#"REGEX_REPLACE("a.b.c", "\\.", "")"#, #""abc""#), .init(#"REGEX_REPLACE("x", "", "-")"#, #""-x-""#),
        .init(#"REGEX_MATCH("x", {Stage} & "(")"#, "#ERROR!"),
    ]

    static let all = syntax + coercion + text + logical + numeric + dates + arrays + record + regex

    @Test func thereAreAtLeastThreeHundredCases() {
        #expect(Self.all.count >= 300)
    }

    @Test(arguments: all) func evaluates(_ example: FormulaCase) throws {
        let value = try FormulaFixture.run(example.formula)
        #expect(FormulaFixture.render(value) == example.expected)
    }

    /// Time zones and daylight saving: calendar arithmetic keeps the wall-clock time, hours count real hours.
    static let zoned: [FormulaCase] = [
        .init(#"DATEADD("2026-03-07T12:00:00Z", 1, "days")"#, "2026-03-08T11:00:00.000Z"),
        .init(#"DATETIME_DIFF("2026-03-09T04:00:00Z", "2026-03-08T05:00:00Z", "hours")"#, "23"),
        .init(#"DATETIME_DIFF("2026-03-09T04:00:00Z", "2026-03-08T05:00:00Z", "days")"#, "1"),
        .init("HOUR({Meeting})", "10"), .init(#"DATETIME_PARSE("2026-07-01 09:00")"#, "2026-07-01T13:00:00.000Z"),
        .init(#"DATEADD("2026-11-01T04:30:00Z", 1, "days")"#, "2026-11-02T05:30:00.000Z"),
        .init(#"DATETIME_FORMAT({Meeting}, "YYYY-MM-DD HH:mm Z")"#, #""2026-03-08 10:30 -04:00""#),
        .init("DAY({Close Date})", "15"),
    ]

    @Test(arguments: zoned) func evaluatesInTheTeamsZone(_ example: FormulaCase) throws {
        let value = try FormulaFixture.run(example.formula, zone: FormulaFixture.newYork)
        #expect(FormulaFixture.render(value) == example.expected)
    }

    @Test func todayIsTheTeamsDay() throws {
        let lateEvening = ISO8601.date("2026-11-24T03:00:00Z")!
        #expect(
            FormulaFixture.render(try FormulaFixture.run("TODAY()", zone: FormulaFixture.newYork, now: lateEvening))
                == "2026-11-23"
        )
        #expect(FormulaFixture.render(try FormulaFixture.run("TODAY()", now: lateEvening)) == "2026-11-24")
    }

    @Test func setTimezoneMovesCalendarArithmeticIntoThatZone() throws {
        let value = try FormulaFixture.run(
            #"DATEADD(SET_TIMEZONE("2026-11-01T04:30:00Z", "America/New_York"), 1, "days")"#
        )
        #expect(FormulaFixture.render(value) == "2026-11-02T05:30:00.000Z")
    }
}

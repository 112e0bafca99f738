import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Testing

@testable import Shared
@testable import crm_api

@Suite struct ExportTests {
    /// Acme (committed $1,000,000 to Fund I) and Beta (soft-circled $250,000).
    func seed(_ client: Client) async throws {
        try await client.send(
            .post,
            "/api/tables/investors/records",
            json:
                #"{"fields": {"name": "Acme, Inc.", "stage": "committed", "tags": ["ML", "Series A, lead", "say \"hi\""]}}"#
        )
        try await client.send(
            .post,
            "/api/tables/investors/records",
            json: #"{"fields": {"name": "Beta LP", "stage": "meeting", "type": "pension"}}"#
        )
        try await client.send(
            .post,
            "/api/tables/funds/records",
            json: #"{"fields": {"name": "Fund I", "target_size": 50000000}}"#
        )
        try await client.send(
            .post,
            "/api/tables/commitments/records",
            json: #"{"fields": {"investor_id": 1, "fund_id": 1, "amount": 1000000, "status": "committed"}}"#
        )
        try await client.send(
            .post,
            "/api/tables/commitments/records",
            json: #"{"fields": {"investor_id": 2, "fund_id": 1, "amount": 250000, "status": "soft_circle"}}"#
        )
        try await client.send(
            .post,
            "/api/tables/contacts/records",
            json: #"{"fields": {"name": "Grace", "investor_id": 1, "is_primary": true, "notes": "line one\nline two"}}"#
        )
    }

    @Test func theSummaryTotalsFundsAndStagesAndDropsArchivedInvestors() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await self.seed(client)
            let summary = try await client.send(.get, "/api/fundraising/relational-summary")
            #expect(summary.status == .ok)
            #expect(summary.value("investors") == 2)
            #expect(summary.value("investors_by_stage", "meeting") == 1)
            #expect(summary.value("investors_by_type", "pension") == 1)
            #expect(summary.value("commitments_by_status", "committed", "amount") == 1_000_000)
            guard case .array(let funds)? = summary.value("funds"), case .object(let fund)? = funds.first else {
                return
            }
            #expect(fund["committed"] == 1_000_000)
            #expect(fund["soft_circled"] == 250000)
            #expect(fund["target_size"] == 50_000_000)

            try await client.send(.delete, "/api/tables/investors/records/1")
            let after = try await client.send(.get, "/api/fundraising/relational-summary")
            #expect(after.value("investors") == 1)
            #expect(after.value("commitments") == 1)
            #expect(after.value("commitments_by_status", "committed") == nil)
        }
    }

    @Test func anArchivedRecordIsAbsentFromListStateExportAndSummaryUntilRestored() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await self.seed(client)
            try await client.send(.delete, "/api/tables/investors/records/2")
            let places = [
                "/api/tables/investors/records", "/api/fundraising/state", "/api/fundraising/export",
                "/api/fundraising/export?format=csv&table=investors",
            ]
            for uri in places {
                let body = try await client.send(.get, uri).body
                #expect(!body.contains("Beta LP"), "\(uri) shows an archived investor")
                #expect(body.contains("Acme"), "\(uri)")
            }
            #expect(try await client.send(.get, "/api/fundraising/relational-summary").value("investors") == 1)

            #expect(try await client.send(.post, "/api/tables/investors/records/2/restore").status == .ok)
            for uri in places {
                #expect(try await client.send(.get, uri).body.contains("Beta LP"), "\(uri) after restore")
            }
            #expect(try await client.send(.get, "/api/fundraising/relational-summary").value("investors") == 2)
            let history = try await client.send(.get, "/api/tables/investors/records/2/history")
            #expect(history.body.contains(#""action":"restore""#) && history.body.contains(#""action":"create""#))
        }
    }

    @Test func csvIsWrittenAsAirtableWritesIt() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await self.seed(client)
            let investors = try await client.send(.get, "/api/fundraising/export?format=csv&table=investors")
            #expect(investors.status == .ok)
            #expect(investors.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(investors.headers[.contentDisposition] == #"attachment; filename="Investors.csv""#)
            #expect(investors.body.hasPrefix("\u{FEFF}Name,Type,Stage,Owner,"))
            #expect(!investors.body.hasSuffix("\n"))
            #expect(investors.body.contains(#""Acme, Inc.",,committed,"#))
            #expect(investors.body.contains(#""ML,""Series A, lead"",""say """"hi"""""""#))

            let contacts = try await client.send(.get, "/api/fundraising/export?format=csv&table=contacts")
            #expect(contacts.body.contains(#"Grace,"Acme, Inc.",,,,,"line one"#))
            #expect(contacts.body.contains("line two\",checked"))

            let commitments = try await client.send(.get, "/api/fundraising/export?format=csv&table=commitments")
            #expect(commitments.body.contains(#""Acme, Inc.",Fund I,"$1,000,000.00",USD,committed"#))

            #expect(try await client.send(.get, "/api/fundraising/export?format=csv").error == "invalid_table")
            #expect(
                try await client.send(.get, "/api/fundraising/export?format=csv&table=users").error == "invalid_table"
            )
            #expect(try await client.send(.get, "/api/fundraising/export?format=xml").error == "invalid_format")
        }
    }

    /// OWASP's CSV injection: text a spreadsheet would run as a formula is written with a leading
    /// `'`; numbers, amounts and percentages are not touched.
    @Test func csvTextThatASpreadsheetWouldRunIsNeutralised() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await client.send(
                .post,
                "/api/tables/investors/records",
                json:
                    #"{"fields": {"name": "=HYPERLINK(\"http://evil.example\",\"x\")", "notes": "@SUM(A1)", "tags": ["+1", "x"]}}"#
            )
            try await client.send(
                .post,
                "/api/tables/investors/records",
                json: #"{"fields": {"name": "-2+3", "notes": "\tcmd"}}"#
            )
            try await client.send(
                .post,
                "/api/tables/funds/records",
                json: #"{"fields": {"name": "Fund I", "target_size": 50000000}}"#
            )
            try await client.send(
                .post,
                "/api/tables/commitments/fields",
                json: #"{"label": "Delta", "type": "number"}"#
            )
            try await client.send(
                .post,
                "/api/tables/commitments/records",
                json: #"{"fields": {"investor_id": 2, "fund_id": 1, "amount": 10, "delta": -5}}"#
            )

            let investors = try await client.send(.get, "/api/fundraising/export?format=csv&table=investors").body
            #expect(investors.contains(#""'=HYPERLINK(""http://evil.example"",""x"")""#))
            #expect(investors.contains("'@SUM(A1)") && investors.contains(#""'+1,x""#))
            #expect(investors.contains("'-2+3") && investors.contains("'\tcmd"))
            #expect(!investors.contains(",=") && !investors.contains("\n=") && !investors.contains(",+1"))

            let commitments = try await client.send(.get, "/api/fundraising/export?format=csv&table=commitments").body
            #expect(commitments.contains("'-2+3,Fund I"), "a linked record's name is text too")
            #expect(commitments.hasSuffix(",-5") || commitments.contains(",-5,"), "a negative number stays a number")
        }
    }

    @Test func theJSONExportHoldsEveryTableAndNoSecrets() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            try await self.seed(client)
            let export = try await client.send(.get, "/api/fundraising/export")
            #expect(export.status == .ok)
            #expect(export.value("version") == 6)
            for table in RecordTable.allCases {
                #expect(export.value("tables", table.rawValue, "records") != nil)
                #expect(export.value("tables", table.rawValue, "fields") != nil)
            }
            #expect(!export.body.contains("password") && !export.body.contains("$2"))
            guard case .object(let export)? = try JSONDecoder().decode(JSONValue?.self, from: Data(export.body.utf8)),
                case .array(let users)? = export["users"], case .object(let user)? = users.first
            else {
                Issue.record("no users in the export")
                return
            }
            #expect(user["name"] != nil && user["email"] == nil, "a member's export names people, as /api/team does")
        }
    }

    @Test func anExportRefusesWhatItCannotDoAndGivesOneTableOnRequest() async throws {
        let app = try TestApp()
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("ada@example.com")
            for query in ["table=null", "format=xml", "format=csv&table=null", "format=csv", "format=json&format=csv"] {
                let reply = try await client.send(.get, "/api/fundraising/export?\(query)")
                #expect(reply.status == .badRequest, "\(query): \(reply.status)")
            }
            let funds = try await client.send(.get, "/api/fundraising/export?table=funds")
            #expect(
                funds.status == .ok && funds.value("tables", "funds", "fields") != nil
                    && funds.value("tables", "investors") == nil
            )
        }
    }

    @Test func anAdminsExportCarriesTheTeamsEmails() async throws {
        let app = try TestApp()
        try await app.createUser("root@example.com", role: .admin)
        try await app.createUser("ada@example.com")
        try await app.test { client in
            try await client.login("root@example.com")
            let export = try await client.send(.get, "/api/fundraising/export")
            #expect(
                export.body.contains(#""email":"ada@example.com""#)
                    && export.body.contains(#""email":"root@example.com""#)
            )
        }
    }

    @Test(arguments: [
        (1234.56, "USD", "$1,234.56"), (0.5, "USD", "$0.50"), (6_000_000, "ILS", "₪6,000,000.00"),
        (-12, "EUR", "-€12.00"),
        (999.999, "CHF", "CHF 1,000.00"),
    ])
    func currencyIsShownWithSymbolAndGrouping(amount: Double, code: String, shown: String) {
        #expect(CSVExport.currency(amount, code: code) == shown)
    }
}

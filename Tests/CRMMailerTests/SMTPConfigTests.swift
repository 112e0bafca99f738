import Shared
import Testing

@testable import crm_mailer

@Suite struct SMTPConfigTests {
    @Test func smtpIsOptionalAndValidated() throws {
        #expect(try SMTPConfig.load(environment: [:]) == nil)
        let smtp = try #require(
            try SMTPConfig.load(environment: [
                "SMTP_HOST": "smtp.example.com", "SMTP_FROM": "CRM <crm@example.com>", "SMTP_USER": "crm",
                "SMTP_PASS": "pw", "SMTP_SECURITY": "tls",
            ])
        )
        #expect(smtp.port == 465)
        #expect(smtp.password?.reveal() == "pw")
        #expect(
            throws: ConfigError.self,
            performing: { try SMTPConfig.load(environment: ["SMTP_HOST": "smtp.example.com"]) }
        )
        #expect(
            throws: ConfigError.self,
            performing: {
                try SMTPConfig.load(environment: ["SMTP_HOST": "h.example.com", "SMTP_FROM": "a@b.c", "SMTP_PASS": "x"])
            }
        )
    }
}

import Foundation
import Shared

/// Checks everything Gmail sync needs, in the order an admin would fix it — the key, this
/// server's clock, a token per mailbox and scope, Gmail itself — and says what failed in a
/// sentence with the fix.
public struct GoogleDoctor: Sendable {
    public struct Check: Codable, Sendable, Equatable {
        public enum Subject: String, Codable, Sendable {
            case key, clock, token, gmail
        }
        public let subject: Subject
        public let mailbox: String?
        public let ok: Bool
        public let sentence: String
        /// Google's code for a failure (`unauthorized_client`, …).
        public let code: String?

        /// Every key always, `null` where there is nothing to say.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.subject, forKey: .subject)
            try container.encode(self.mailbox, forKey: .mailbox)
            try container.encode(self.ok, forKey: .ok)
            try container.encode(self.sentence, forKey: .sentence)
            try container.encode(self.code, forKey: .code)
        }
    }

    public struct Report: Codable, Sendable, Equatable {
        public let checks: [Check]
        public var ok: Bool { self.checks.allSatisfy(\.ok) }

        enum CodingKeys: String, CodingKey {
            case checks, ok
        }

        init(checks: [Check]) { self.checks = checks }

        public init(from decoder: any Decoder) throws {
            self.checks = try decoder.container(keyedBy: CodingKeys.self).decode([Check].self, forKey: .checks)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.checks, forKey: .checks)
            try container.encode(self.ok, forKey: .ok)
        }
    }

    /// How far this server's clock may be from Google's before the doctor warns: Google refuses
    /// assertions issued more than a little in its future.
    static let clockTolerance: TimeInterval = 60

    let config: GoogleConfig
    let now: @Sendable () -> Date

    public init(config: GoogleConfig, now: @escaping @Sendable () -> Date = { Date() }) {
        self.config = config
        self.now = now
    }

    public func run(mailboxes: [String]) async -> Report {
        var checks: [Check] = []
        let key: ServiceAccountKey
        do {
            key = try ServiceAccountKey.load(self.config)
            checks.append(
                Check(
                    subject: .key,
                    mailbox: nil,
                    ok: true,
                    sentence: "The key of \(key.clientEmail) (client ID \(key.clientId)) is saved and readable.",
                    code: nil
                )
            )
        } catch {
            return Report(checks: [Check(subject: .key, mailbox: nil, ok: false, sentence: error.sentence, code: nil)])
        }
        guard !mailboxes.isEmpty else {
            checks.append(
                Check(
                    subject: .token,
                    mailbox: nil,
                    ok: false,
                    sentence: "No mailbox is synced yet: turn on mail sync for a member on the Admin page.",
                    code: nil
                )
            )
            return Report(checks: checks)
        }
        let tokens = await AccessTokens(key: key, now: self.now)
        let gmail = GmailClient(tokens: tokens, config: self.config, now: self.now)
        var clockChecked = false
        for mailbox in mailboxes {
            var usable = true
            for scope in GoogleScope.allCases {
                do {
                    _ = try await tokens.token(for: mailbox, scopes: [scope])
                    checks.append(
                        Check(
                            subject: .token,
                            mailbox: mailbox,
                            ok: true,
                            sentence: "Google signs the CRM in to \(mailbox) with \(scope.rawValue).",
                            code: nil
                        )
                    )
                } catch {
                    usable = usable && scope != .readonly
                    checks.append(
                        Check(subject: .token, mailbox: mailbox, ok: false, sentence: error.sentence, code: error.code)
                    )
                }
                if !clockChecked, let check = await self.clock(tokens) {
                    clockChecked = true
                    checks.insert(check, at: 1)
                }
            }
            guard usable else { continue }
            do {
                let profile = try await gmail.profile(mailbox)
                checks.append(
                    Check(
                        subject: .gmail,
                        mailbox: mailbox,
                        ok: true,
                        sentence: "Gmail answers for \(mailbox) (\(profile.messagesTotal ?? 0) messages).",
                        code: nil
                    )
                )
            } catch {
                checks.append(
                    Check(subject: .gmail, mailbox: mailbox, ok: false, sentence: error.sentence, code: error.code)
                )
            }
        }
        return Report(checks: checks)
    }

    /// This server's clock against Google's `Date` header, once the token endpoint has answered.
    private func clock(_ tokens: AccessTokens) async -> Check? {
        guard let theirs = await tokens.lastServerDate else { return nil }
        let offset = self.now().timeIntervalSince(theirs)
        guard abs(offset) > Self.clockTolerance else {
            return Check(
                subject: .clock,
                mailbox: nil,
                ok: true,
                sentence: "This server's clock agrees with Google's.",
                code: nil
            )
        }
        let seconds = Int(abs(offset).rounded())
        return Check(
            subject: .clock,
            mailbox: nil,
            ok: false,
            sentence: "This server's clock is \(seconds) seconds \(offset < 0 ? "behind" : "ahead of") Google's, and "
                + "Google refuses sign-ins from a clock that is off. Turn on time synchronisation (NTP) on the server.",
            code: nil
        )
    }
}

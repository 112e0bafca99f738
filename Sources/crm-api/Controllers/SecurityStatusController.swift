import Foundation
import GRDB
import Hummingbird
import Logging
import Shared

/// `GET /api/security/status`: the go-live checklist, each check pass / warn / fail with why.
struct SecurityStatusController {
    let services: AppServices

    func addRoutes(to routes: GuardedRouter) {
        routes.get("/api/security/status", .admin, use: self.status)
    }

    struct Check: Encodable, Equatable {
        enum Result: String, Encodable, Comparable {
            case pass, warn, fail

            static func < (lhs: Self, rhs: Self) -> Bool {
                [Self.pass, .warn, .fail].firstIndex(of: lhs)! < [Self.pass, .warn, .fail].firstIndex(of: rhs)!
            }
        }

        let id: String
        let status: Result
        let message: String
    }

    struct Report: ResponseEncodable {
        let overall: Check.Result
        let checks: [Check]
    }

    typealias Facts = SecurityFacts

    func status(_ request: Request, context: AppRequestContext) async throws -> Report {
        let now = self.services.clock.now()
        let facts = try await self.services.database.pool.read { db in try SecurityFacts.read(now: now, db) }
        let checks = Self.checks(config: self.services.config, facts: facts, now: now)
        return Report(overall: checks.map(\.status).max() ?? .pass, checks: checks)
    }

    static func checks(config: CRMConfig, facts: Facts, now: Date) -> [Check] {
        var checks: [Check] = []
        checks.append(
            config.isProduction
                ? Check(id: "production_mode", status: .pass, message: "Running with CRM_ENV=production.")
                : Check(
                    id: "production_mode",
                    status: .warn,
                    message: "Running in development mode; set CRM_ENV=production."
                )
        )
        checks.append(
            config.secretKey != nil
                ? Check(id: "secret_key", status: .pass, message: "CRM_SECRET_KEY is set and long enough.")
                : Check(
                    id: "secret_key",
                    status: config.isProduction ? .fail : .warn,
                    message: "CRM_SECRET_KEY is not set."
                )
        )
        switch config.corsOrigin {
        case nil:
            checks.append(Check(id: "cors", status: .pass, message: "No other website may call the API."))
        case let origin? where origin.hasPrefix("https://"):
            checks.append(Check(id: "cors", status: .pass, message: "Only \(origin) may call the API from a browser."))
        case let origin?:
            checks.append(Check(id: "cors", status: .warn, message: "CRM_CORS_ORIGIN \(origin) is not https."))
        }
        checks.append(
            config.isProduction
                ? Check(
                    id: "secure_cookies",
                    status: .pass,
                    message: "Session cookies are Secure, HttpOnly and SameSite=Lax."
                )
                : Check(
                    id: "secure_cookies",
                    status: .warn,
                    message: "Session cookies are not marked Secure outside production."
                )
        )
        switch config.publicURL {
        case let url? where url.hasPrefix("https://"):
            checks.append(
                Check(id: "public_url_https", status: .pass, message: "The CRM is reached over https (\(url)).")
            )
        case let url?:
            checks.append(
                Check(
                    id: "public_url_https",
                    status: config.isProduction ? .fail : .warn,
                    message: "CRM_PUBLIC_URL \(url) is not https: passwords and cookies would travel in the clear."
                )
            )
        case nil:
            checks.append(
                Check(
                    id: "public_url_https",
                    status: config.isProduction ? .fail : .warn,
                    message:
                        "CRM_PUBLIC_URL is not set: links in mail have no address, and the cross-site check has only the "
                        + "browser's word for where a page came from. Put the CRM behind https and set it."
                )
            )
        }
        checks.append(
            facts.activeAdmins > 1
                ? Check(id: "admins", status: .pass, message: "\(facts.activeAdmins) active admins.")
                : Check(
                    id: "admins",
                    status: .warn,
                    message: "Only \(facts.activeAdmins) active admin; a second one keeps you from being locked out."
                )
        )
        checks.append(
            facts.staleInvites == 0
                ? Check(id: "stale_invites", status: .pass, message: "No expired invites are left unrevoked.")
                : Check(
                    id: "stale_invites",
                    status: .warn,
                    message: "\(facts.staleInvites) invite(s) expired without being used; revoke them."
                )
        )
        if let newest = facts.newestVerifiedBackup {
            let hours = Int(now.timeIntervalSince(newest) / 3600)
            checks.append(
                hours <= 36
                    ? Check(
                        id: "backup_freshness",
                        status: .pass,
                        message: "The newest verified backup is \(hours) hour(s) old."
                    )
                    : Check(
                        id: "backup_freshness",
                        status: .fail,
                        message: "The newest verified backup is \(hours) hours old: check that crm-backup runs."
                    )
            )
        } else {
            checks.append(
                Check(
                    id: "backup_freshness",
                    status: .warn,
                    message: "There is no verified backup yet: take one now (Admin → Backups)."
                )
            )
        }
        if facts.sessionUsers >= 2, facts.sessionAddresses.count == 1, let address = facts.sessionAddresses.first,
            IPRange.isPrivate(address)
        {
            checks.append(
                Check(
                    id: "client_addresses",
                    status: .warn,
                    message:
                        "Every sign-in of \(facts.sessionUsers) people came from \(address): the CRM is probably behind a proxy it "
                        + "does not trust, so sign-in locks and write limits treat the whole team as one client. "
                        + "Set CRM_TRUSTED_PROXIES to that proxy's address."
                )
            )
        } else {
            checks.append(
                Check(id: "client_addresses", status: .pass, message: "Sign-ins come from the team's own addresses.")
            )
        }
        switch facts.mailerFigures?["smtp_configured"] {
        case .bool(true)?:
            checks.append(Check(id: "smtp", status: .pass, message: "The mailer reports SMTP configured."))
        case .bool(false)?:
            checks.append(
                Check(id: "smtp", status: .warn, message: "SMTP is not configured: invites and digests are not mailed.")
            )
        default:
            checks.append(Check(id: "smtp", status: .warn, message: "The mailer has not reported yet."))
        }
        return checks
    }
}

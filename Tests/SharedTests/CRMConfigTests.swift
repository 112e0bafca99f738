import Foundation
import Logging
import SharedTesting
import Testing

@testable import Shared

@Suite struct CRMConfigTests {
    @Test func developmentDefaultsNeedNoVariables() throws {
        let config = try CRMConfig(environment: [:])
        #expect(config.mode == .development)
        #expect(config.dataDir == FileManager.default.currentDirectoryPath + "/.data")
        #expect(config.runDir == config.dataDir + "/run")
        #expect(config.httpHost == "127.0.0.1")
        #expect(config.httpPort == 8080)
        #expect(config.logLevel == .info)
        #expect(config.logFormat == .text)
        #expect(config.bcryptCost == 12)
        #expect(config.warnings.contains { $0.contains("CRM_SECRET_KEY") })
    }

    @Test func productionRefusesToStartWithoutSecretKey() {
        #expect(
            throws: ConfigError(
                "CRM_SECRET_KEY",
                "must be set when CRM_ENV=production (generate one with: openssl rand -hex 32)"
            )
        ) {
            try CRMConfig(environment: ["CRM_ENV": "production"])
        }
    }

    @Test func shortSecretKeyIsRefusedWithoutEchoingIt() throws {
        let error = try #require(throws: ConfigError.self) {
            try CRMConfig(environment: ["CRM_ENV": "production", "CRM_SECRET_KEY": "tooshort-secret"])
        }
        #expect(error.variable == "CRM_SECRET_KEY")
        #expect(!error.description.contains("tooshort-secret"))
    }

    @Test func productionDefaultsToSlashData() throws {
        let config = try CRMConfig(environment: [
            "CRM_ENV": "production", "CRM_SECRET_KEY": String(repeating: "k", count: 32),
        ])
        #expect(config.dataDir == "/data")
        #expect(config.warnings.isEmpty)
        #expect(config.secretKey?.description == "<redacted>")
    }

    @Test(arguments: [
        ("CRM_ENV", "staging"),
        ("CRM_HTTP_PORT", "eighty"),
        ("CRM_HTTP_PORT", "70000"),
        ("CRM_HTTP_HOST", "bad host"),
        ("CRM_PUBLIC_URL", "crm.example.com"),
        ("CRM_CORS_ORIGIN", "ftp://example.com"),
        ("CRM_PUBLIC_URL", "https://user:pw@example.com"),
        ("LOG_LEVEL", "loud"),
        ("LOG_FORMAT", "xml"),
        ("CRM_POLL_INTERVAL_S", "-1"),
        ("CRM_HEARTBEAT_INTERVAL_S", "soon"),
        ("CRM_BCRYPT_COST", "99"),
        ("CRM_RUN_DIR", "/" + String(repeating: "r", count: 120)),
        ("CRM_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("CRM_TRUSTED_PROXIES", "10.0.0.1/x"),
        ("CRM_TRUSTED_PROXIES", "10.0.0.1, caddy"),
        ("CRM_TRUSTED_PROXIES", "999.0.0.1"),
    ])
    func badValueNamesItsVariable(variable: String, value: String) {
        let error = #expect(throws: ConfigError.self) { try CRMConfig(environment: [variable: value]) }
        #expect(error?.variable == variable)
        #expect(error?.description.hasPrefix("configuration error: \(variable) ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func productionKeepsBcryptCostAtTwelveOrMore() {
        let error = #expect(throws: ConfigError.self) {
            try CRMConfig(environment: [
                "CRM_ENV": "production", "CRM_SECRET_KEY": String(repeating: "k", count: 40), "CRM_BCRYPT_COST": "4",
            ])
        }
        #expect(error?.variable == "CRM_BCRYPT_COST")
    }

    @Test func valuesAreParsed() throws {
        let config = try CRMConfig(environment: [
            "CRM_DATA_DIR": "/srv/crm", "CRM_HTTP_PORT": "9000", "CRM_PUBLIC_URL": "https://crm.example.com/",
            "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json", "CRM_POLL_INTERVAL_S": "0.5",
        ])
        #expect(config.dataDir == "/srv/crm")
        #expect(config.runDir == "/srv/crm/run")
        #expect(config.databasePath == "/srv/crm/crm.sqlite")
        #expect(config.socketPath(for: .mailer) == "/srv/crm/run/crm-mailer.sock")
        #expect(config.httpPort == 9000)
        #expect(config.publicURL == "https://crm.example.com")
        #expect(config.logLevel == .debug)
        #expect(config.logFormat == .json)
        #expect(config.pollInterval == .milliseconds(500))
    }

    @Test func theSecretKeyFileInTheDataDirServesCommandsRunWithoutTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/secrets", withIntermediateDirectories: true)
        let path = directory.path + "/secrets/secret_key"
        let key = String(repeating: "ab", count: 32)
        FileManager.default.createFile(
            atPath: path,
            contents: Data((key + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        let production = ["CRM_ENV": "production", "CRM_DATA_DIR": directory.path]
        #expect(try CRMConfig(environment: production).secretKey?.reveal() == key)
        let operatorKey = String(repeating: "cd", count: 32)
        #expect(
            try CRMConfig(environment: production.merging(["CRM_SECRET_KEY": operatorKey]) { $1 }).secretKey?.reveal()
                == operatorKey
        )
        chmod(path, 0o644)
        #expect(throws: ConfigError.self) { try CRMConfig(environment: production) }
    }

    @Test func trustedProxiesTakeAddressesRangesAndTheGateway() throws {
        let routes = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t0003000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            eth0\t00000000\t0103000A\t0003\t0\t0\t0\t00000000\t0\t0\t0
            """
        let proxies = try TrustedProxies.parse("10.0.0.1, 172.30.87.0/24,fd00::/8 , gateway", routes: { routes }).get()
        #expect(
            proxies.ranges.map(\.description) == [
                "10.0.0.1/32", "172.30.87.0/24", "fd00:0:0:0:0:0:0:0/8", "10.0.3.1/32",
            ]
        )
        for inside in ["10.0.0.1", "172.30.87.200", "fd12::1", "10.0.3.1", "::ffff:172.30.87.9"] {
            #expect(proxies.contains(inside), "\(inside)")
        }
        for outside in ["10.0.0.2", "172.30.88.1", "fe80::1", "10.0.3.2", "unknown", ""] {
            #expect(!proxies.contains(outside), "\(outside)")
        }
        #expect(throws: Never.self) { try TrustedProxies.parse("", routes: { nil }).get() }
        if case .success = TrustedProxies.parse("gateway", routes: { "Iface\tDestination\tGateway\n" }) {
            Issue.record("a machine without a default route has no gateway to trust")
        }
        #expect(IPRange("0.0.0.0/0")?.contains("203.0.113.7") == true)
        #expect(IPRange.isPrivate("10.0.3.1") && IPRange.isPrivate("::1") && !IPRange.isPrivate("203.0.113.7"))
    }
}

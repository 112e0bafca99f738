// swift-tools-version:6.0
import PackageDescription

/// Settings every target of ours shares.
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

extension Target {
    /// One of the four daemons: an executable over `Shared`.
    static func daemon(_ name: String, _ dependencies: [Target.Dependency] = [], resources: [Resource]? = nil) -> Target
    {
        .executableTarget(
            name: name,
            dependencies: ["Shared"] + dependencies + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: resources,
            swiftSettings: sharedSwiftSettings
        )
    }
}

let package = Package(
    name: "venture-crm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "crm-api", targets: ["crm-api"]),
        .executable(name: "crm-scheduler", targets: ["crm-scheduler"]),
        .executable(name: "crm-mailer", targets: ["crm-mailer"]),
        .executable(name: "crm-backup", targets: ["crm-backup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CRE2Shim",
            linkerSettings: [.linkedLibrary("re2")]
        ),
        .target(
            name: "Shared",
            dependencies: [
                "CSystemd",
                "CRE2Shim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .daemon(
            "crm-api",
            [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/web")]
        ),
        .target(
            name: "Google",
            dependencies: [
                "Shared",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .daemon("crm-scheduler", ["Google", .product(name: "GRDB", package: "GRDB.swift")]),
        .daemon("crm-mailer", ["CCurl"]),
        .daemon("crm-backup", [.product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "crm-testkit",
            dependencies: [
                "Shared",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .target(
            name: "SharedTesting",
            dependencies: ["Shared", .product(name: "Logging", package: "swift-log")],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "Shared",
                "SharedTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "CRMAPITests",
            dependencies: [
                "crm-api",
                "Shared",
                "SharedTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "CRMMailerTests",
            dependencies: [
                "crm-mailer",
                "Shared",
                "SharedTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "GoogleTests",
            dependencies: ["Google", "Shared", .product(name: "CryptoExtras", package: "swift-crypto")],
            swiftSettings: sharedSwiftSettings
        ),
        .testTarget(
            name: "CRMBackupTests",
            dependencies: [
                "crm-backup",
                "Shared",
                "SharedTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: sharedSwiftSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address or a CIDR range (`10.0.3.1`, `172.30.87.0/24`, `fd00::/8`), IPv4 or IPv6; an
/// IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is read as its IPv4 address.
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    let network: [UInt8]
    let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...bits).contains(given) else {
                return nil
            }
            length = given
        }
        self.network = Self.masked(address, to: length)
        self.prefixLength = length
    }

    /// Whether `address` (an IP address in text) lies in this range.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address), bytes.count == self.network.count else { return false }
        return Self.masked(bytes, to: self.prefixLength) == self.network
    }

    public var description: String {
        let text =
            self.network.count == 4
            ? self.network.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map {
                String(UInt16(self.network[$0]) << 8 | UInt16(self.network[$0 + 1]), radix: 16)
            }
            .joined(separator: ":")
        return "\(text)/\(self.prefixLength)"
    }

    /// Whether an address is loopback or in a private range (RFC 1918, RFC 4193 unique local,
    /// link-local): where a proxy in front of the CRM would connect from.
    public static func isPrivate(_ address: String) -> Bool {
        Self.privateRanges.contains { $0.contains(address) }
    }

    static let privateRanges = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "::1/128", "fc00::/7",
        "fe80::/10",
    ]
    .compactMap(IPRange.init)

    /// The address's bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; nil when it is neither.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }

    static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, length - index * 8))
            return keep == 8 ? byte : keep == 0 ? 0 : byte & ~(UInt8(0xFF) >> keep)
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`CRM_TRUSTED_PROXIES`).
public struct TrustedProxies: Sendable, Equatable {
    public let ranges: [IPRange]

    public init(_ ranges: [IPRange] = []) {
        self.ranges = ranges
    }

    public func contains(_ address: String) -> Bool {
        self.ranges.contains { $0.contains(address) }
    }

    public var isEmpty: Bool { self.ranges.isEmpty }

    /// Why a list could not be read, as the end of a configuration error's sentence.
    public struct Problem: Error, Equatable {
        public let message: String

        init(_ message: String) {
            self.message = message
        }
    }

    /// Reads a comma-separated list of addresses, CIDR ranges and the word `gateway` (this
    /// machine's default IPv4 gateway, read from `routes`: where a container's host proxies from).
    public static func parse(_ text: String, routes: () -> String?) -> Result<TrustedProxies, Problem> {
        var ranges: [IPRange] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == "gateway" {
                guard let gateway = routes().flatMap(Self.defaultGateway), let range = IPRange(gateway) else {
                    return .failure(Problem("names the default gateway, but this machine has no default IPv4 route"))
                }
                ranges.append(range)
            } else if let range = IPRange(item) {
                ranges.append(range)
            } else {
                return .failure(
                    Problem(
                        "must list IP addresses or CIDR ranges (10.0.0.1, 172.30.87.0/24) or gateway, got \"\(item)\""
                    )
                )
            }
        }
        return .success(TrustedProxies(ranges))
    }

    /// The gateway of the default route in `/proc/net/route`'s format (little-endian hex).
    static func defaultGateway(_ table: String) -> String? {
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard columns.count > 2, columns[1] == "00000000", let raw = UInt32(columns[2], radix: 16), raw != 0 else {
                continue
            }
            return [raw & 0xFF, raw >> 8 & 0xFF, raw >> 16 & 0xFF, raw >> 24].map(String.init).joined(separator: ".")
        }
        return nil
    }
}

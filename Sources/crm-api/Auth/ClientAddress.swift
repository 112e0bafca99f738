import Foundation
import Shared

/// The client's IP: the TCP peer, or — only when the peer is a trusted proxy — the nearest
/// untrusted address in `X-Forwarded-For`.
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: String?, trustedProxies: TrustedProxies) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        return hops.reversed().first { !trustedProxies.contains($0) } ?? peer
    }
}

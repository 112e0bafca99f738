import Foundation
import NIOCore

/// Sends wake-up datagrams to the daemons' sockets under the run directory.
///
/// Sending never blocks and never fails the caller: a missing socket (daemon down), a full
/// buffer or any other error is reported as `false` and otherwise ignored, because the
/// receiving daemon's poll finds the work anyway.
public struct WakeSender: Sendable {
    public let runDir: String

    public init(runDir: String) {
        self.runDir = runDir
    }

    @discardableResult
    public func send(_ message: WakeMessage, to daemon: DaemonName) -> Bool {
        self.send(line: message.description, toPath: self.runDir + "/" + daemon.rawValue + ".sock")
    }

    /// Sends raw bytes to a socket path; also used by tests to send malformed datagrams.
    @discardableResult
    public func send(line: String, toPath path: String) -> Bool {
        guard let address = try? SocketAddress(unixDomainSocketPath: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        let sent = address.withSockAddr { addressPointer, length in
            bytes.withUnsafeBytes { buffer in
                sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), addressPointer, socklen_t(length))
            }
        }
        return sent == bytes.count
    }
}

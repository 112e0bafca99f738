import Foundation
import Synchronization

/// A bound Unix datagram socket read by one dedicated thread.
///
/// The thread waits in `poll(2)` with a short timeout so `stop()` takes effect quickly; each
/// datagram (at most `WakeMessage.maximumBytes` are read) is handed to `onDatagram`. NIO's
/// datagram channel was not used: it drops datagrams from unbound senders, which ours are.
final class WakeSocket: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    private let fd: Int32
    private let stopping = Atomic<Bool>(false)
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let done = Atomic<Bool>(false)

    /// Binds `path`, replacing a stale socket file, owner-only.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw Failure(description: "\(path) exists and is not a socket")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot create a socket (errno \(errno))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            close(fd)
            throw Failure(description: "socket path is too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
            buffer[pathBytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "cannot bind \(path) (errno \(code))")
        }
        chmod(path, 0o600)
        self.fd = fd
        self.path = path
    }

    /// Starts the reading thread.
    func start(onDatagram: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: WakeMessage.maximumBytes + 1)
            var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            while !self.stopping.load(ordering: .acquiring) {
                descriptor.revents = 0
                guard poll(&descriptor, 1, 200) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes {
                    recv(self.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
                }
                if count > 0 { onDatagram(String(decoding: buffer[0..<count], as: UTF8.self)) }
            }
            close(self.fd)
            self.done.store(true, ordering: .releasing)
            self.finished.withLock { $0?.resume() }
        }
        thread.name = "wake-socket"
        thread.start()
    }

    /// Stops the thread, waits for it to close the socket, and removes the socket file.
    func stop() async {
        self.stopping.store(true, ordering: .releasing)
        await withCheckedContinuation { continuation in
            let resumeNow = self.finished.withLock { pending -> Bool in
                if self.done.load(ordering: .acquiring) { return true }
                pending = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        unlink(self.path)
    }
}

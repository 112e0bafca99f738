import Foundation

/// An advisory `flock` held while a closure runs, to serialise work across processes.
enum FileLock {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func withExclusiveLock<T>(path: String, _ body: () throws -> T) throws -> T {
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot open lock file (errno \(errno))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure(description: "cannot lock (errno \(errno))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

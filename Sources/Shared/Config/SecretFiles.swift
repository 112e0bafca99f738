import Foundation

/// Owner-only files holding secrets under `$CRM_DATA_DIR/secrets/<group>/` (folders 0700, files
/// 0600), written atomically: a temporary name, fsync, rename, then the folder synced, so a reader
/// sees the old value or the new one, never half of one.
public struct SecretFiles: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `contents` as `name`, or removes `name` when `contents` is nil.
    public func write(_ name: String, _ contents: String?) throws {
        try self.makeDirectory()
        let path = self.directory + "/" + name
        guard let contents else {
            if unlink(path) != 0 && errno != ENOENT { throw Self.failure("could not remove \(path)") }
            return
        }
        let temporary = self.directory + "/." + name + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Self.failure("could not write \(temporary)") }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Self.failure("could not write \(path)")
        }
    }

    /// Makes the changes durable (call after the last `write`).
    public func sync() throws {
        let fd = open(self.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure("could not open \(self.directory)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Self.failure("could not sync \(self.directory)") }
    }

    private func makeDirectory() throws {
        let parent = (self.directory as NSString).deletingLastPathComponent
        for path in [parent, self.directory] {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw Self.failure("could not create \(path)") }
            guard chmod(path, 0o700) == 0 else { throw Self.failure("could not restrict \(path)") }
        }
    }

    private static func failure(_ message: String) -> StartupFailure {
        StartupFailure(.cannotOpen, message)
    }
}

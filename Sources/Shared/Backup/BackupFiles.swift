import Crypto
import Foundation

/// Where backups live and how their files are named, hashed and made durable.
public enum BackupFiles {
    /// `$CRM_DATA_DIR/backups`, owner-only.
    public static func directory(dataDir: String) throws -> String {
        let path = dataDir + "/backups"
        try FileManager.default.createDirectory(
            atPath: path,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        return path
    }

    /// `crm-<UTC timestamp>-<kind>.sqlite`, e.g. `crm-20261123T223000Z-manual.sqlite`.
    public static func fileName(at date: Date, kind: BackupJob.Kind) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "crm-\(formatter.string(from: date))-\(kind.rawValue).sqlite"
    }

    /// Hex SHA-256 of a file, read in 1 MiB chunks.
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Flushes a file (or folder) to disk, so a rename that follows survives a power cut.
    public static func fsync(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CocoaError(.fileReadUnknown) }
        defer { close(fd) }
        guard Foundation.fsync(fd) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Files a crashed backup or restore left behind (never catalogued), removed at start: the
    /// `.partial` copy, the journal SQLite keeps beside it, and a restore's scratch copy.
    public static func removePartials(in directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.contains(".partial") || name.hasPrefix(".restore-") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Removes a database file and the journal, WAL and shared-memory files SQLite may have left
    /// beside it; a stale hot journal next to a new file would be rolled back into it.
    public static func removeDatabaseFile(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

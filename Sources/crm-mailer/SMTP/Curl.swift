import CCurl
import Foundation

/// libcurl, which carries the mailer's SMTP.
enum Curl {
    /// The linked libcurl's version string, e.g. "7.88.1".
    static var version: String {
        guard let info = ccurl_version_info() else { return "unknown" }
        return String(cString: info.pointee.version)
    }

    /// Once per process, before any thread uses libcurl (the global init is not thread-safe).
    static func initialize() {
        _ = ccurl_global_init()
    }

    /// Runs blocking libcurl work on its own thread, so the cooperative pool never waits on a socket.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}

/// The bytes libcurl reads for the DATA phase, handed out through `CURLOPT_READFUNCTION`.
/// libcurl sends the final dot only after the callback reports the end, so `beforeEnd` runs
/// while the server cannot yet have accepted the message; returning false aborts the send.
final class CurlUpload {
    private let bytes: [UInt8]
    private var offset = 0
    private let beforeEnd: @Sendable () -> Bool
    /// The end was reported: the server may have the whole message.
    private(set) var reachedEnd = false

    init(_ text: String, beforeEnd: @escaping @Sendable () -> Bool) {
        self.bytes = Array(text.utf8)
        self.beforeEnd = beforeEnd
    }

    static let readCallback: ccurl_io_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let upload = Unmanaged<CurlUpload>.fromOpaque(userdata).takeUnretainedValue()
        let room = size * count
        let length = min(room, upload.bytes.count - upload.offset)
        guard length > 0 else {
            if !upload.reachedEnd {
                guard upload.beforeEnd() else { return Int(CURL_READFUNC_ABORT) }
                upload.reachedEnd = true
            }
            return 0
        }
        upload.bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
        }
        upload.offset += length
        return length
    }
}

import Logging
import Synchronization

/// A log handler that keeps every rendered line in memory, to prove what never reaches the logs.
public final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public var all: [String] { self.lines.withLock { $0 } }

    /// A logger at trace level writing here.
    public func logger(label: String) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, sink: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) {
        self.lines.withLock { $0.append(line) }
    }

    struct Handler: LogHandler {
        let label: String
        let sink: CapturedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
            self.sink.append("\(event.level) \(self.label): \(event.message) \(merged)")
        }
    }
}

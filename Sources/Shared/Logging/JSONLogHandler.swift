import Foundation
import Logging

/// Writes one JSON object per log line to stderr: `ts`, `level`, `label`, `message`, `source`
/// and the metadata as string values.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.render(
            timestamp: Date(),
            level: event.level,
            label: self.label,
            message: event.message.description,
            source: event.source,
            metadata: merged
        )
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func render(
        timestamp: Date,
        level: Logger.Level,
        label: String,
        message: String,
        source: String,
        metadata: Logger.Metadata
    ) -> String {
        var object: [String: String] = metadata.mapValues { $0.description }
        object["ts"] = timestamp.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        object["level"] = level.rawValue
        object["label"] = label
        object["message"] = message
        object["source"] = source
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

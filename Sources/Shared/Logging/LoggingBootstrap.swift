import Logging

/// Sets up swift-log once per process from `LOG_LEVEL` and `LOG_FORMAT`. Logs go to stderr so a
/// command's stdout carries only its own output (a generated password, say).
public enum LoggingBootstrap {
    public static func bootstrap(level: Logger.Level, format: CRMConfig.LogFormat) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }
}

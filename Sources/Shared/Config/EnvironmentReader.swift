import Foundation

/// Typed reads of environment variables; every failure is a `ConfigError` naming the variable.
public struct EnvironmentReader: Sendable {
    let values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    /// The trimmed value, or nil when the variable is unset or blank.
    public func string(_ name: String) -> String? {
        guard let raw = self.values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
            return nil
        }
        return raw
    }

    public func integer(
        _ name: String,
        default defaultValue: Int,
        in range: ClosedRange<Int>
    ) throws(ConfigError) -> Int {
        guard let raw = self.string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigError(
                name,
                "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\""
            )
        }
        return value
    }

    public func seconds(
        _ name: String,
        default defaultValue: Double,
        in range: ClosedRange<Double>
    ) throws(ConfigError) -> Duration {
        guard let raw = self.string(name) else { return .milliseconds(Int64(defaultValue * 1000)) }
        guard let value = Double(raw), range.contains(value) else {
            throw ConfigError(
                name,
                "must be a number of seconds from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\""
            )
        }
        return .milliseconds(Int64(value * 1000))
    }

    public func choice<T: RawRepresentable>(_ name: String, default defaultValue: T) throws(ConfigError) -> T
    where T: CaseIterable, T.RawValue == String {
        guard let raw = self.string(name) else { return defaultValue }
        guard let value = T(rawValue: raw.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(name, "must be one of \(allowed), got \"\(raw)\"")
        }
        return value
    }

    /// An absolute http(s) origin or base URL, without a trailing slash.
    public func httpURL(_ name: String) throws(ConfigError) -> String? {
        guard let raw = self.string(name) else { return nil }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil
        else {
            throw ConfigError(
                name,
                "must be an http:// or https:// URL such as https://crm.example.com, got \"\(raw)\""
            )
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    /// A path made absolute against the working directory.
    public func path(_ name: String, default defaultValue: String) throws(ConfigError) -> String {
        let raw = self.string(name) ?? defaultValue
        guard !raw.contains("\0") else { throw ConfigError(name, "must be a file system path") }
        let absolute = raw.hasPrefix("/") ? raw : FileManager.default.currentDirectoryPath + "/" + raw
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }
}

import CCurl

/// libcurl, which carries the mailer's SMTP.
enum Curl {
    /// The linked libcurl's version string, e.g. "7.88.1".
    static var version: String {
        guard let info = ccurl_version_info() else { return "unknown" }
        return String(cString: info.pointee.version)
    }
}

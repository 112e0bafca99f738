import CCurl

/// A send that did not go through, reduced to a code and a generic sentence. The server's own
/// words are never kept: an AUTH reply can echo the credential.
struct SMTPFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// `smtp 550`, `curl 7`…
    let code: String
    let sentence: String
    /// Worth another attempt later (4xx, network, timeout, or a setting the admin can fix).
    let retryable: Bool

    var description: String { "\(self.code): \(self.sentence)" }

    /// Classifies libcurl's result and the last SMTP reply code.
    static func classify(curlCode: CURLcode, responseCode: Int) -> SMTPFailure {
        let curl = "curl \(curlCode.rawValue)"
        switch curlCode {
        case CURLE_LOGIN_DENIED:
            return .init(code: curl, sentence: "The SMTP server refused the username or password.", retryable: true)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .init(code: curl, sentence: "The SMTP host name could not be resolved.", retryable: true)
        case CURLE_COULDNT_CONNECT:
            return .init(code: curl, sentence: "Could not connect to the SMTP server.", retryable: true)
        case CURLE_OPERATION_TIMEDOUT:
            return .init(code: curl, sentence: "The SMTP server did not answer in time.", retryable: true)
        case CURLE_PEER_FAILED_VERIFICATION:
            return .init(code: curl, sentence: "The SMTP server's TLS certificate is not trusted.", retryable: true)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
            return .init(code: curl, sentence: "The TLS connection to the SMTP server failed.", retryable: true)
        case CURLE_USE_SSL_FAILED:
            return .init(code: curl, sentence: "The SMTP server does not offer STARTTLS, which is required.", retryable: true)
        default:
            break
        }
        switch responseCode {
        case 500..<600:
            return .init(code: "smtp \(responseCode)", sentence: "The SMTP server refused the message for good.", retryable: false)
        case 400..<500:
            return .init(code: "smtp \(responseCode)", sentence: "The SMTP server deferred the message.", retryable: true)
        default:
            return .init(code: curl, sentence: "The SMTP exchange failed.", retryable: true)
        }
    }
}

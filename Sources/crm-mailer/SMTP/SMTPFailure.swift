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

    /// Sent, and the server's answer to it never came: it may have arrived, so it is not sent again.
    static let uncertain = SMTPFailure(
        code: "uncertain",
        sentence: "Delivery uncertain: the message was sent but the server's answer never came, so it may have "
            + "arrived. It is not sent again; check with the recipient before sending another.",
        retryable: false
    )

    /// Classifies libcurl's result and the last SMTP reply code. After the final dot only a 4xx
    /// or 5xx reply says what happened; anything else (a timeout, a cut) leaves it uncertain.
    static func classify(curlCode: CURLcode, responseCode: Int, afterFinalDot: Bool = false) -> SMTPFailure {
        let curl = "curl \(curlCode.rawValue)"
        if afterFinalDot, !(400..<600).contains(responseCode) {
            return .uncertain
        }
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
        case CURLE_ABORTED_BY_CALLBACK:
            return .init(
                code: curl,
                sentence: "The mailer could not record the send; it will try again.",
                retryable: true
            )
        case CURLE_USE_SSL_FAILED:
            return .init(
                code: curl,
                sentence: "The SMTP server does not offer STARTTLS, which is required.",
                retryable: true
            )
        default:
            break
        }
        switch responseCode {
        case 500..<600:
            return .init(
                code: "smtp \(responseCode)",
                sentence: "The SMTP server refused the message for good.",
                retryable: false
            )
        case 400..<500:
            return .init(
                code: "smtp \(responseCode)",
                sentence: "The SMTP server deferred the message.",
                retryable: true
            )
        default:
            return .init(code: curl, sentence: "The SMTP exchange failed.", retryable: true)
        }
    }
}

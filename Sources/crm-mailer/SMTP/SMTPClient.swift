import CCurl
import Shared

/// One SMTP exchange per call over libcurl: STARTTLS required (`starttls`), implicit TLS (`tls`)
/// or plain (`none`); AUTH when a username is set; certificates always verified.
struct SMTPClient: Sendable {
    let config: SMTPConfig

    /// Sends `message` from the sender's address to `recipients`. `beforeFinalDot` runs on the
    /// sending thread once the whole message is out and before the dot that ends it; when it
    /// returns false the exchange is abandoned and the server never accepts the message.
    func send(
        message: String,
        recipients: [String],
        beforeFinalDot: @escaping @Sendable () -> Bool
    ) async -> Result<Void, SMTPFailure> {
        let envelopeFrom = Mailbox(self.config.from)?.address ?? self.config.from
        return await Curl.offload {
            self.perform { handle, keep in
                ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelopeFrom)>")
                var list: UnsafeMutablePointer<curl_slist>?
                for recipient in recipients { list = curl_slist_append(list, "<\(recipient)>") }
                keep.list = list
                ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)
                let upload = CurlUpload(message, beforeEnd: beforeFinalDot)
                keep.upload = upload
                ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                ccurl_setopt_io_callback(handle, CURLOPT_READFUNCTION, CurlUpload.readCallback)
                ccurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
            }
        }
    }

    /// Connects, negotiates TLS, authenticates and says NOOP: proves the settings without sending.
    func check() async -> Result<Void, SMTPFailure> {
        await Curl.offload {
            self.perform { handle, _ in
                ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP")
                ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
            }
        }
    }

    /// libcurl's per-reply wait in whole seconds (at least one), no longer than the whole exchange's.
    static func responseTimeoutSeconds(_ config: SMTPConfig) -> Int {
        max(1, Int(config.timeout.timeInterval.rounded(.up)))
    }

    /// What must outlive `curl_easy_perform`.
    private final class Kept {
        var list: UnsafeMutablePointer<curl_slist>?
        var upload: CurlUpload?
    }

    private func perform(_ configure: (UnsafeMutableRawPointer, Kept) -> Void) -> Result<Void, SMTPFailure> {
        guard let handle = curl_easy_init() else {
            return .failure(.init(code: "curl init", sentence: "libcurl could not start.", retryable: true))
        }
        let kept = Kept()
        defer {
            curl_easy_cleanup(handle)
            curl_slist_free_all(kept.list)
        }
        let scheme = self.config.security == .tls ? "smtps" : "smtp"
        let host = self.config.host.contains(":") ? "[\(self.config.host)]" : self.config.host
        ccurl_setopt_string(handle, CURLOPT_URL, "\(scheme)://\(host):\(self.config.port)")
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        ccurl_setopt_long(
            handle,
            CURLOPT_USE_SSL,
            Int(self.config.security == .none ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue)
        )
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = self.config.caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(
            handle,
            CURLOPT_CONNECTTIMEOUT_MS,
            Int((self.config.connectTimeout.timeInterval * 1000).rounded())
        )
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int((self.config.timeout.timeInterval * 1000).rounded()))
        // The QUIT that cleanup sends waits for its answer up to this long (two minutes by
        // default, beyond CURLOPT_TIMEOUT): a server that stopped answering would hold the mailer.
        ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, Self.responseTimeoutSeconds(self.config))
        if let username = self.config.username {
            ccurl_setopt_string(handle, CURLOPT_USERNAME, username)
            ccurl_setopt_string(handle, CURLOPT_PASSWORD, self.config.password?.reveal() ?? "")
        }
        configure(handle, kept)
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return .success(()) }
        var response = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        return .failure(
            SMTPFailure.classify(
                curlCode: code,
                responseCode: response,
                afterFinalDot: kept.upload?.reachedEnd ?? false
            )
        )
    }
}

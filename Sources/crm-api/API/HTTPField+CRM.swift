import HTTPTypes

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let strictTransportSecurity = Self("Strict-Transport-Security")!
    static let permissionsPolicy = Self("Permissions-Policy")!
}

import Foundation
import HTTPTypes
import Shared

extension AppServices {
    /// Checks the signed-in user's password again before a sensitive step (a new password, a new
    /// API token). Failures count against the user as sign-in failures do, so a stolen session
    /// cannot guess the password: after ten in a minute the check is locked for a while (429).
    func requireCurrentPassword(_ password: String, of identity: Identity, field: String) async throws {
        let key = "password:\(identity.userId)"
        let now = self.clock.now()
        if let wait = await self.loginThrottle.retryAfter(keys: [key], now: now) {
            throw APIError.rateLimited(retryAfter: wait)
        }
        let candidate = PasswordPolicy.checkable(password)
        guard !candidate.isEmpty, try await self.hasher.verify(candidate, hash: identity.user.passwordHash) else {
            await self.loginThrottle.recordFailure(keys: [key], now: now)
            throw APIError(
                .unprocessableContent,
                "invalid_password",
                "The current password is not correct.",
                details: [field: "The current password is not correct."]
            )
        }
        await self.loginThrottle.recordSuccess(key: key)
    }
}

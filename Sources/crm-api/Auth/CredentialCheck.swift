extension AppServices {
    /// Whether the credential that opened a long-lived request (an event stream) still holds, by
    /// the same rules as signing in with it: signing out everywhere, a password change or a
    /// deactivation thus also ends that user's open streams.
    func isStillSignedIn(_ identity: Identity) async throws -> Bool {
        switch identity.credential {
        case .session(let id): try await self.sessions.holds(sessionId: id)
        case .apiToken(let id): try await self.tokens.holds(tokenId: id)
        }
    }
}

/// The Gmail scopes the CRM asks for. None of them is a send scope the CRM uses: Google lets
/// `gmail.compose` send as well as draft, so "drafts only" is kept by `GmailClient`, which has
/// no method that sends.
public enum GoogleScope: String, Sendable, CaseIterable, Comparable {
    /// Capture: profile, message lists, history, messages in full.
    case readonly = "https://www.googleapis.com/auth/gmail.readonly"
    /// Reply drafts in the member's own mailbox.
    case compose = "https://www.googleapis.com/auth/gmail.compose"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

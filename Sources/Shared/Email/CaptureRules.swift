import Foundation

/// Whether a message is the CRM's business, decided from its labels and headers alone, before
/// its body is ever fetched: only mail with a live contact's address, or an address at a live
/// investor's own domain, is kept; everything else is skipped with a reason admins can count.
public enum CaptureRules {
    /// The headers Gmail is asked for (`format=metadata`), and all the rules read.
    public static let headerNames = [
        "From", "To", "Cc", "Bcc", "Date", "Subject", "Message-ID", "In-Reply-To", "References", "List-Id",
        "List-Unsubscribe", "Precedence", "Auto-Submitted",
    ]

    public enum SkipReason: String, Sendable, CaseIterable, Codable {
        case draft
        case spamOrTrash = "spam_or_trash"
        case chat
        case bulk
        case automatedSender = "automated_sender"
        case tooManyRecipients = "too_many_recipients"
        case blocked
        case teamOnly = "team_only"
        case noKnownParticipant = "no_known_participant"
        case noSender = "no_sender"
        /// Google failed on this message at every attempt of the retry queue.
        case unreadable
    }

    public enum Direction: String, Sendable, Codable {
        /// The mailbox's owner sent it.
        case sent
        case received
    }

    public enum Decision: Sendable, Equatable {
        case keep(Match)
        case skip(SkipReason)
    }

    /// What made a message relevant: the contacts and investors among its participants.
    public struct Match: Sendable, Equatable {
        public let direction: Direction
        public let contactIds: [Int64]
        public let investorIds: [Int64]
        /// A participant is marked private: only who and when are kept.
        public let isPrivate: Bool

        public init(direction: Direction, contactIds: [Int64], investorIds: [Int64], isPrivate: Bool = false) {
            self.direction = direction
            self.contactIds = contactIds
            self.investorIds = investorIds
            self.isPrivate = isPrivate
        }
    }

    /// One message's labels and the headers in `headerNames` (names compared without case;
    /// a repeated header keeps its first value).
    public struct Message: Sendable {
        public let labels: Set<String>
        let headers: [String: String]

        public init(labels: [String], headers: [(name: String, value: String)]) {
            self.labels = Set(labels)
            var kept: [String: String] = [:]
            for (name, value) in headers where kept[name.lowercased()] == nil { kept[name.lowercased()] = value }
            self.headers = kept
        }

        public func header(_ name: String) -> String? { self.headers[name.lowercased()] }
        public var from: MailAddress? { self.header("From").flatMap(MailAddress.first) }

        /// Everyone on it but the sender: To, Cc and (on the sender's own copy) Bcc.
        public var recipients: [MailAddress] {
            ["To", "Cc", "Bcc"].flatMap { self.header($0).map(MailAddress.list) ?? [] }
        }
    }

    /// What the rules compare against: the team's domains, the live contacts' addresses and the
    /// live investors' domains, the blocked list, and the recipient limit.
    public struct Context: Sendable {
        public let teamDomains: Set<String>
        /// Every address of every live contact → that contact and its investor, if any.
        public let contacts: [String: (contact: Int64, investor: Int64?)]
        /// Every domain of every live investor → that investor.
        public let investorDomains: [String: Int64]
        public let blocked: Set<String>
        /// Addresses and domains whose mail is kept as metadata only.
        public let marked: Set<String>
        public let maxRecipients: Int

        public init(
            teamDomains: Set<String>,
            contacts: [String: (contact: Int64, investor: Int64?)],
            investorDomains: [String: Int64],
            blocked: Set<String>,
            marked: Set<String> = [],
            maxRecipients: Int
        ) {
            self.teamDomains = teamDomains
            self.contacts = contacts
            self.investorDomains = investorDomains
            self.blocked = blocked
            self.marked = marked
            self.maxRecipients = maxRecipients
        }
    }

    public static func decide(_ message: Message, _ context: Context) -> Decision {
        if message.labels.contains("DRAFT") { return .skip(.draft) }
        if message.labels.contains("SPAM") || message.labels.contains("TRASH") { return .skip(.spamOrTrash) }
        if message.labels.contains("CHAT") { return .skip(.chat) }
        if Self.isBulk(message) { return .skip(.bulk) }
        guard let sender = message.from else { return .skip(.noSender) }
        if Self.isAutomated(sender) { return .skip(.automatedSender) }
        let recipients = message.recipients
        if recipients.count > context.maxRecipients { return .skip(.tooManyRecipients) }
        let everyone = [sender] + recipients
        if everyone.contains(where: { Self.listed($0, in: context.blocked) }) { return .skip(.blocked) }
        let outside = everyone.filter { !context.teamDomains.contains($0.domain) }
        if outside.isEmpty { return .skip(.teamOnly) }
        var contactIds: [Int64] = []
        var investorIds: [Int64] = []
        for person in outside {
            if let known = context.contacts[person.address] {
                if !contactIds.contains(known.contact) { contactIds.append(known.contact) }
                if let investor = known.investor, !investorIds.contains(investor) { investorIds.append(investor) }
            } else if !FreeMailDomains.all.contains(person.domain),
                let investor = context.investorDomains[person.domain],
                !investorIds.contains(investor)
            {
                investorIds.append(investor)
            }
        }
        guard !contactIds.isEmpty || !investorIds.isEmpty else { return .skip(.noKnownParticipant) }
        return .keep(
            Match(
                direction: message.labels.contains("SENT") ? .sent : .received,
                contactIds: contactIds,
                investorIds: investorIds,
                isPrivate: everyone.contains { Self.listed($0, in: context.marked) }
            )
        )
    }

    /// Whether a list of addresses and domains names this address, its domain, or a domain it
    /// is under (`firm.example` covers `mail.firm.example`).
    public static func listed(_ address: MailAddress, in list: Set<String>) -> Bool {
        if list.isEmpty { return false }
        if list.contains(address.address) { return true }
        var domain = Substring(address.domain)
        while true {
            if list.contains(String(domain)) { return true }
            guard let dot = domain.firstIndex(of: ".") else { return false }
            domain = domain[domain.index(after: dot)...]
        }
    }

    /// Mailing lists, newsletters and auto-replies, by their own headers.
    static func isBulk(_ message: Message) -> Bool {
        if message.header("List-Id") != nil || message.header("List-Unsubscribe") != nil { return true }
        if let precedence = message.header("Precedence")?.trimmingCharacters(in: .whitespaces).lowercased(),
            ["bulk", "list", "junk", "auto_reply"].contains(precedence)
        {
            return true
        }
        if let auto = message.header("Auto-Submitted")?.trimmingCharacters(in: .whitespaces).lowercased(),
            !auto.isEmpty, !auto.hasPrefix("no")
        {
            return true
        }
        return false
    }

    /// Senders no person writes from: no-reply and role addresses of systems.
    static func isAutomated(_ sender: MailAddress) -> Bool {
        let local = sender.localPart.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "_", with: "")
            .replacingOccurrences(of: "-", with: "")
        let automated = [
            "noreply", "donotreply", "noreplies", "mailerdaemon", "postmaster", "bounce", "bounces", "notifications",
            "notification", "notify", "alerts", "newsletter", "news", "mailer", "automailer", "autoreply",
        ]
        return automated.contains(local) || local.hasPrefix("noreply") || local.hasPrefix("donotreply")
            || local.hasPrefix("bounce")
    }
}

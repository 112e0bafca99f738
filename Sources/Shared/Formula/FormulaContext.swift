import Foundation

/// What a formula sees of the record it runs on: its field values by key, the record's
/// identity and times, the clock and the team's time zone.
public struct FormulaContext: Sendable {
    public var fields: [String: FormulaValue]
    public var recordID: String
    public var createdTime: Date?
    public var lastModifiedTime: Date?
    /// When each field was last edited, for `LAST_MODIFIED_TIME({Field})`; missing fields fall
    /// back to the record's last modification.
    public var fieldModifiedTimes: [String: Date]
    public var now: Date
    /// The zone `TODAY()`, text dates and calendar arithmetic use unless `SET_TIMEZONE` says otherwise.
    public var timeZone: TimeZone
    public var limits: FormulaLimits
    /// When evaluation must stop (the record's share of `limits.maxRecordDuration`); nil: each
    /// evaluation gets the whole duration from its own start.
    public var deadline: ContinuousClock.Instant?

    public init(
        fields: [String: FormulaValue] = [:],
        recordID: String = "",
        createdTime: Date? = nil,
        lastModifiedTime: Date? = nil,
        fieldModifiedTimes: [String: Date] = [:],
        now: Date = Date(),
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        limits: FormulaLimits = .standard
    ) {
        self.fields = fields
        self.recordID = recordID
        self.createdTime = createdTime
        self.lastModifiedTime = lastModifiedTime
        self.fieldModifiedTimes = fieldModifiedTimes
        self.now = now
        self.timeZone = timeZone
        self.limits = limits
    }
}

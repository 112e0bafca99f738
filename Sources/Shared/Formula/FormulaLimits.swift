/// The sandbox a formula runs in. A limit hit while parsing refuses the formula; one hit while
/// evaluating makes that cell an error, never a crash or a hung request.
public struct FormulaLimits: Sendable, Equatable {
    /// Source length in UTF-16 code units.
    public var maxLength = 10_000
    /// Nesting of parentheses, operators and calls.
    public var maxDepth = 64
    public var maxArguments = 256
    /// Expression evaluations plus work done inside functions (characters, array items), per cell.
    public var maxSteps = 200_000
    /// The longest text a formula may build.
    public var maxTextLength = 100_000
    /// Regular-expression pattern length and RE2's memory cap per pattern.
    public var maxPatternLength = 2_000
    public var maxPatternMemory: Int64 = 8 << 20
    /// Wall-clock time all the formulas of one record may take together: a backstop behind the
    /// step count (which bounds the work itself), generous so a busy machine does not turn a
    /// sound formula into an error. Formulas run inside writes, so this bounds how long any of
    /// them can hold the database's write lock.
    public var maxRecordDuration: Duration = .milliseconds(250)
    /// Wall-clock time one batch of a column recompute may spend evaluating before it writes
    /// what it has and lets other writers in.
    public var maxBatchDuration: Duration = .milliseconds(200)

    public static let standard = FormulaLimits()

    public init() {}
}

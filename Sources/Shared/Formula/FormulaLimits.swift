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
    /// The longest text or array a formula may build.
    public var maxTextLength = 100_000
    public var maxArrayCount = 10_000
    /// Regular-expression pattern length and RE2's memory cap per pattern.
    public var maxPatternLength = 2_000
    public var maxPatternMemory: Int64 = 8 << 20

    public static let standard = FormulaLimits()

    public init() {}
}

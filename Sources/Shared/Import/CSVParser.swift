/// One record of a CSV file: its cells, and where it starts (the physical line, the header
/// being line 1, and the byte offset, both counted in the file as given, BOM included).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var byteOffset: Int
    public var fields: [String]

    public init(line: Int, byteOffset: Int, fields: [String]) {
        self.line = line
        self.byteOffset = byteOffset
        self.fields = fields
    }
}

/// A record the parser could not read, with where it starts and where it went wrong.
public struct CSVProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A quoted cell still open at the end of the file: everything after it is inside it.
        case unterminatedQuote
        /// Characters after a cell's closing quote (`"x"junk`).
        case textAfterClosingQuote
        /// Bytes that are not UTF-8.
        case invalidUTF8
        case tooManyFields(limit: Int)
        case fieldTooLong(limit: Int)
    }

    public var kind: Kind
    /// The line and byte offset where the record starts, and the byte offset of the fault.
    public var line: Int
    public var byteOffset: Int
    public var faultOffset: Int

    public var description: String {
        let what =
            switch self.kind {
            case .unterminatedQuote:
                "a quoted cell opened here is never closed (the rest of the file was not read as records)"
            case .textAfterClosingQuote: "text after a cell's closing quote"
            case .invalidUTF8: "bytes that are not UTF-8"
            case .tooManyFields(let limit): "more than \(limit) cells"
            case .fieldTooLong(let limit): "a cell longer than \(limit) bytes"
            }
        return "line \(self.line): \(what) (byte \(self.faultOffset))"
    }
}

/// A streaming RFC 4180 reader for the CSV files Airtable writes (docs/DECISIONS.md, "What an Airtable export looks like"): an optional
/// UTF-8 byte-order mark, LF or CRLF record ends (a lone CR is cell text), quoted cells with
/// doubled quotes and line breaks, no final newline or one. It reads chunks of any size in
/// constant memory and never loses a record silently: a record it cannot read is reported with its
/// line and byte offsets and skipped to the end of its line. A quote inside an unquoted cell is
/// kept as text. Written here because the measured CSV packages swallow the rest of a file after
/// one stray quote (docs/DECISIONS.md, "CSV"); a non-copyable struct avoids exclusivity checks in the loop.
public struct CSVParser: ~Copyable {
    enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterCR, skipping
    }

    public let maximumFields: Int
    public let maximumFieldBytes: Int

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var offset = 0
    private var line = 1
    private var recordLine = 1
    private var recordOffset = 0
    private var fieldOffset = 0
    private var problem: CSVProblem?
    private var atFileStart = true
    private var bomBytesSeen = 0
    private var recordHasContent = false
    private var fieldQuoted = false

    public init(maximumFields: Int = 10_000, maximumFieldBytes: Int = 1 << 20) {
        self.maximumFields = maximumFields
        self.maximumFieldBytes = maximumFieldBytes
        self.field.reserveCapacity(256)
    }

    /// Parses the next chunk; `record` gets each complete record, `problem` each unreadable one.
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer,
        record: (CSVRecord) throws -> Void,
        problem: (CSVProblem) throws -> Void
    ) rethrows {
        var index = 0
        if self.atFileStart {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while index < bytes.count && self.bomBytesSeen < 3 && bytes[index] == bom[self.bomBytesSeen] {
                self.bomBytesSeen += 1
                index += 1
            }
            if self.bomBytesSeen == 3 || index < bytes.count {
                if self.bomBytesSeen < 3 && self.bomBytesSeen > 0 {
                    // A partial BOM was real content: give those bytes back to the cell.
                    self.field.append(contentsOf: bom.prefix(self.bomBytesSeen))
                    self.state = .unquoted
                    self.recordHasContent = true
                }
                self.atFileStart = false
                self.offset = self.bomBytesSeen == 3 ? 3 : 0
                self.recordOffset = self.offset
                self.fieldOffset = self.offset
            } else {
                return
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch self.state {
            case .fieldStart:
                switch byte {
                case 0x22:
                    self.state = .quoted
                    self.fieldQuoted = true
                    self.recordHasContent = true
                case 0x2C:
                    self.recordHasContent = true
                    try self.endField(problem)
                case 0x0A: try self.endRecord(record, problem)
                case 0x0D: self.state = .afterCR
                default:
                    self.state = .unquoted
                    self.recordHasContent = true
                    self.append(byte)
                }
            case .unquoted:
                switch byte {
                case 0x2C:
                    try self.endField(problem)
                    if self.state != .skipping { self.state = .fieldStart }
                case 0x0A: try self.endRecord(record, problem)
                case 0x0D: self.state = .afterCR
                default: self.append(byte)
                }
            case .quoted:
                if byte == 0x22 {
                    self.state = .quoteInQuoted
                } else {
                    if byte == 0x0A { self.line += 1 }
                    self.append(byte)
                }
            case .quoteInQuoted:
                switch byte {
                case 0x22:
                    self.append(0x22)
                    self.state = .quoted
                case 0x2C:
                    try self.endField(problem)
                    if self.state != .skipping { self.state = .fieldStart }
                case 0x0A: try self.endRecord(record, problem)
                case 0x0D: self.state = .afterCR
                default:
                    self.fail(.textAfterClosingQuote)
                }
            case .afterCR:
                if byte == 0x0A {
                    try self.endRecord(record, problem)
                } else {
                    // A lone CR is cell text; this byte is read again as the cell goes on.
                    self.append(0x0D)
                    self.recordHasContent = true
                    self.state = .unquoted
                    continue
                }
            case .skipping:
                if byte == 0x0A {
                    self.line += 1
                    self.offset += 1
                    index += 1
                    try self.reportAndReset(problem)
                    continue
                }
            }
            self.offset += 1
            index += 1
        }
    }

    /// Ends the input: the last record (with or without a final newline), or the open quote.
    public mutating func finish(record: (CSVRecord) throws -> Void, problem: (CSVProblem) throws -> Void) rethrows {
        switch self.state {
        case .quoted:
            self.fail(.unterminatedQuote, at: self.fieldOffset)
            try self.reportAndReset(problem)
        case .skipping:
            try self.reportAndReset(problem)
        case .afterCR:
            self.append(0x0D)
            try self.endField(problem)
            try self.emit(record, problem)
        case .fieldStart:
            if self.recordHasContent {
                try self.endField(problem)
                try self.emit(record, problem)
            }
        case .unquoted, .quoteInQuoted:
            try self.endField(problem)
            try self.emit(record, problem)
        }
    }

    private mutating func append(_ byte: UInt8) {
        guard self.field.count < self.maximumFieldBytes else {
            self.fail(.fieldTooLong(limit: self.maximumFieldBytes))
            return
        }
        self.field.append(byte)
    }

    private mutating func endField(_ problem: (CSVProblem) throws -> Void) rethrows {
        guard self.state != .skipping else { return }
        guard self.fields.count < self.maximumFields else {
            self.fail(.tooManyFields(limit: self.maximumFields))
            return
        }
        guard let text = String(validating: self.field, as: UTF8.self) else {
            // The bad byte's offset (shifted by any doubled quotes before it in a quoted cell).
            self.fail(
                .invalidUTF8,
                at: self.fieldOffset + (self.fieldQuoted ? 1 : 0) + Self.validPrefixLength(self.field)
            )
            return
        }
        self.fieldQuoted = false
        self.fields.append(text)
        self.field.removeAll(keepingCapacity: true)
        self.fieldOffset = self.offset + 1
    }

    private mutating func endRecord(
        _ record: (CSVRecord) throws -> Void,
        _ problem: (CSVProblem) throws -> Void
    ) rethrows {
        try self.endField(problem)
        if self.state == .skipping {
            self.line += 1
            self.offset += 1
            try self.reportAndReset(problem)
            self.offset -= 1
            return
        }
        try self.emit(record, problem)
        self.line += 1
        self.recordLine = self.line
        self.recordOffset = self.offset + 1
        self.fieldOffset = self.offset + 1
    }

    private mutating func emit(_ record: (CSVRecord) throws -> Void, _ problem: (CSVProblem) throws -> Void) rethrows {
        if self.state == .skipping {
            try self.reportAndReset(problem)
            return
        }
        try record(CSVRecord(line: self.recordLine, byteOffset: self.recordOffset, fields: self.fields))
        self.fields.removeAll(keepingCapacity: true)
        self.field.removeAll(keepingCapacity: true)
        self.state = .fieldStart
        self.recordHasContent = false
    }

    /// How many leading bytes of `bytes` are whole UTF-8 characters.
    static func validPrefixLength(_ bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var length = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { length += scalar.count }
        return length
    }

    /// Marks the current record unreadable; the rest of its line is skipped.
    private mutating func fail(_ kind: CSVProblem.Kind, at fault: Int? = nil) {
        guard self.state != .skipping else { return }
        self.problem = CSVProblem(
            kind: kind,
            line: self.recordLine,
            byteOffset: self.recordOffset,
            faultOffset: fault ?? self.offset
        )
        self.state = .skipping
    }

    private mutating func reportAndReset(_ problem: (CSVProblem) throws -> Void) rethrows {
        if let found = self.problem { try problem(found) }
        self.problem = nil
        self.fieldQuoted = false
        self.fields.removeAll(keepingCapacity: true)
        self.field.removeAll(keepingCapacity: true)
        self.state = .fieldStart
        self.recordHasContent = false
        self.recordLine = self.line
        self.recordOffset = self.offset
        self.fieldOffset = self.offset
    }
}

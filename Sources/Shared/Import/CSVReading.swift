import Foundation

extension CSVParser {
    /// Every record and problem of a whole input (for small inputs and tests; files stream).
    public static func parse(
        _ bytes: [UInt8],
        chunkSize: Int = 64 * 1024
    ) -> (records: [CSVRecord], problems: [CSVProblem]) {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        var problems: [CSVProblem] = []
        bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + max(1, chunkSize))
                parser.feed(
                    UnsafeRawBufferPointer(rebasing: all[start..<end]),
                    record: { records.append($0) },
                    problem: { problems.append($0) }
                )
                start = end
            }
        }
        parser.finish(record: { records.append($0) }, problem: { problems.append($0) })
        return (records, problems)
    }

    /// Streams a file in 64 KiB reads, in constant memory; `chunk` sees each read's bytes first
    /// (an import hashes the file with it).
    public static func read(
        path: String,
        chunk: (UnsafeRawBufferPointer) -> Void = { _ in },
        record: (CSVRecord) throws -> Void,
        problem: (CSVProblem) throws -> Void
    ) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var parser = CSVParser()
        while let data = try handle.read(upToCount: 64 * 1024), !data.isEmpty {
            try data.withUnsafeBytes { bytes in
                chunk(bytes)
                try parser.feed(bytes, record: record, problem: problem)
            }
        }
        try parser.finish(record: record, problem: problem)
    }

    /// The items of a multi-value cell, Airtable's second CSV layer: `ML,SaaS` → `ML`, `SaaS`;
    /// `"Acme, Inc.",Beta` → `Acme, Inc.`, `Beta`. Spaces inside items are kept. A cell that does
    /// not parse as one record is one item.
    public static func items(_ cell: String) -> [String] {
        guard !cell.isEmpty else { return [] }
        let (records, problems) = Self.parse(Array(cell.utf8))
        guard problems.isEmpty, records.count == 1 else { return [cell] }
        return records[0].fields
    }
}

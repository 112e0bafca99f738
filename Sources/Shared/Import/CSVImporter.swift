import Crypto
import Foundation
import GRDB

/// Imports an Airtable CSV export into one table (docs/API.md, "Import"). Two streaming passes over
/// the file: the first hashes it and keeps only the values column inference and date orders need;
/// the second, inside one transaction, reads each record into values, finds its record by key and
/// plans create / update / unchanged. A dry run reads; a commit applies the same plan as it goes,
/// in one write transaction that rolls back whole if the plan has errors the caller did not
/// choose to skip, with history rows and an `import_runs` entry.
public struct CSVImporter: Sendable {
    public enum Failure: Error, Equatable {
        /// The file cannot be read as a CSV export at all (missing, empty, no header).
        case unreadable(String)
        /// An option names a column or field that is not there: (option, sentence).
        case invalidOption(String, String)
        /// The table's fields changed between the two passes; nothing was written.
        case catalogChanged
        /// A commit refused because its plan has errors; nothing was written.
        case rejected(ImportPlan)
    }

    public let database: AppDatabase
    public let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// Plans (dry run) or applies (commit) the import of the file at `path`.
    public func run(
        path: String,
        options: ImportOptions,
        by userId: Int64?,
        progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportPlan {
        let catalog = try await self.database.pool.read { db in try FieldDefinition.catalog(options.table, db) }
        let scan = try ImportScan.read(path: path, catalog: catalog, options: options, progress: progress)
        let now = self.now()
        if options.dryRun {
            return try await self.database.pool.read { db in
                try ImportPass(options: options, scan: scan, userId: userId, now: now, progress: progress).run(
                    db,
                    commit: false
                )
            }
        }
        return try await self.database.pool.write { db in
            try ImportPass(options: options, scan: scan, userId: userId, now: now, progress: progress).run(
                db,
                commit: true
            )
        }
    }
}

/// What the first pass learns: the header, the columns as first resolved, the values of the
/// columns that need them, the file's size, record count and SHA-256.
struct ImportScan: Sendable {
    var header: [String]
    var columns: [ImportColumn]
    var values: [Int: [String]]
    var bytes: Int
    var records: Int
    var sha256: String
    var path: String

    static func read(
        path: String,
        catalog: [FieldDefinition],
        options: ImportOptions,
        progress: @Sendable (ImportProgress) -> Void
    ) throws -> ImportScan {
        let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var scan = ImportScan(header: [], columns: [], values: [:], bytes: 0, records: 0, sha256: "", path: path)
        var hasher = SHA256()
        var header: [String]?
        var needed: [Int] = []
        var scratch = ImportPlan(
            dryRun: true,
            table: options.table,
            file: .init(name: "", sha256: "", bytes: 0, records: 0),
            key: [],
            timeZone: ""
        )
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CSVImporter.Failure.unreadable("The file cannot be opened.")
        }
        try CSVParser.read(
            path: path,
            chunk: { bytes in
                hasher.update(bufferPointer: bytes)
                scan.bytes += bytes.count
            },
            record: { record in
                guard header != nil else {
                    header = record.fields
                    scan.columns = try ImportColumns.resolve(
                        record.fields,
                        catalog: catalog,
                        options: options,
                        plan: &scratch
                    )
                    needed = scan.columns.filter(\.needsValues).map(\.index)
                    for index in needed { scan.values[index] = [] }
                    return
                }
                scan.records += 1
                for index in needed where index < record.fields.count {
                    scan.values[index]!.append(record.fields[index])
                }
                if scan.records % 5000 == 0 {
                    progress(
                        ImportProgress(
                            phase: .reading,
                            bytesRead: record.byteOffset,
                            totalBytes: total,
                            records: scan.records
                        )
                    )
                }
            },
            problem: { problem in
                // Without its header no column can be read: the next record must not stand in for it.
                guard header != nil else {
                    throw CSVImporter.Failure.unreadable("The header row cannot be read: \(problem.description).")
                }
                scan.records += 1
            }
        )
        guard let header else { throw CSVImporter.Failure.unreadable("The file is empty: it has no header row.") }
        scan.header = header
        scan.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return scan
    }
}

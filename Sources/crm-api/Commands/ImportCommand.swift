import ArgumentParser
import Foundation
import GRDB
import Shared

/// `crm-api import --table T FILE`: the same import engine as `POST /api/import/csv`, for a file
/// on the box, with progress on stderr. Plans first with `--dry-run`; commits otherwise.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an Airtable CSV export into one table.",
        discussion: """
            Import investors first, then contacts (their Investor column names investors), then funds and \
            commitments. Run with --dry-run to see the plan; the same file imported twice changes nothing.
            """
    )

    @Option(help: "The table: investors, contacts, funds or commitments.")
    var table: String

    @Argument(help: "The CSV file exported from Airtable.")
    var file: String

    @Flag(help: "Show the plan; change nothing.")
    var dryRun = false

    @Option(name: .customLong("key"), help: "A key column's header (repeat for a composite key).")
    var key: [String] = []

    @Option(
        name: .customLong("map"),
        help: "HEADER=FIELD_KEY reads a column into a field; HEADER= skips it (repeatable)."
    )
    var map: [String] = []

    @Flag(help: "Create custom fields for unmatched columns (typed from their values).")
    var createFields = false

    @Flag(help: "Commit the valid rows and report the others.")
    var skipInvalidRows = false

    @Flag(help: "Archive records whose key is not in the file.")
    var archiveMissing = false

    @Option(
        name: .customLong("date-order"),
        help: "HEADER=day_first or HEADER=month_first for a column whose dates read both ways."
    )
    var dateOrder: [String] = []

    @Option(help: "The time zone exported times are read in (default: the CRM's time zone setting).")
    var timeZone: String?

    @Option(name: .customLong("by"), help: "The email of the team member the import is recorded under.")
    var byEmail: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        do {
            let environment = try DaemonEnvironment.load(.api)
            let database = try environment.openDatabase()
            try database.migrate()
            let options = try self.options(maximumBytes: environment.config.importMaxBytes)
            let userId = try await self.userId(database)
            let isTerminal = isatty(STDERR_FILENO) == 1
            let plan: ImportPlan
            do {
                plan = try await CSVImporter(database: database).run(path: self.file, options: options, by: userId) {
                    progress in
                    let line = Self.progressBar(progress)
                    FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
                }
            } catch CSVImporter.Failure.rejected(let rejected) {
                if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                self.report(rejected, rejected: true)
                throw StartupFailure(.input, "nothing was imported: the file has \(rejected.errorCount) problem(s)")
            } catch let failure as CSVImporter.Failure {
                throw StartupFailure(.input, Self.describe(failure))
            }
            if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            self.report(plan)
            if !plan.dryRun {
                _ = WakeSender(runDir: environment.config.runDir).send(.changed(table: plan.table.rawValue), to: .api)
            }
        } catch {
            throw StartupFailure.exit(error, command: "crm-api import")
        }
    }

    func options(maximumBytes: Int) throws -> ImportOptions {
        guard let table = RecordTable(rawValue: self.table) else {
            throw StartupFailure(.input, "--table must be investors, contacts, funds or commitments")
        }
        guard let size = try? FileManager.default.attributesOfItem(atPath: self.file)[.size] as? Int else {
            throw StartupFailure(.input, "cannot read \(self.file)")
        }
        guard size <= maximumBytes else {
            throw StartupFailure(
                .input,
                "\(self.file) is larger than CRM_IMPORT_MAX_MB (\(maximumBytes / 1024 / 1024) MB)"
            )
        }
        var options = ImportOptions(
            table: table,
            fileName: (self.file as NSString).lastPathComponent,
            dryRun: self.dryRun
        )
        options.key = self.key.isEmpty ? nil : self.key
        options.createFields = self.createFields
        options.skipInvalidRows = self.skipInvalidRows
        options.archiveMissing = self.archiveMissing
        options.previewRows = 20
        for pair in self.map {
            guard let equals = pair.firstIndex(of: "=") else {
                throw StartupFailure(.input, "--map takes HEADER=FIELD_KEY, got \(pair)")
            }
            let key = String(pair[pair.index(after: equals)...])
            options.mapping[String(pair[..<equals])] = key.isEmpty ? .some(nil) : .some(key)
        }
        for pair in self.dateOrder {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let order = ImportValues.DateOrder(rawValue: parts[1]) else {
                throw StartupFailure(.input, "--date-order takes HEADER=day_first or HEADER=month_first, got \(pair)")
            }
            options.dateOrders[parts[0]] = order
        }
        if let zone = self.timeZone {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw StartupFailure(.input, "--time-zone \(zone) is not a time zone name")
            }
            options.timeZone = timeZone
        }
        return options
    }

    func userId(_ database: AppDatabase) async throws -> Int64? {
        guard let email = self.byEmail else { return nil }
        guard let user = try await database.pool.read({ db in try User.all().withEmail(email).fetchOne(db) }) else {
            throw StartupFailure(.input, "no team member has the email \(email)")
        }
        return user.id
    }

    func report(_ plan: ImportPlan, rejected: Bool = false) {
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: (try? encoder.encode(plan)) ?? Data(), as: UTF8.self))
            return
        }
        let title = rejected ? "Nothing imported from" : plan.dryRun ? "Plan for" : "Imported"
        print(
            "\(title) \(plan.file.name) into \(plan.table.rawValue) (key: \(plan.key.joined(separator: " + ")); times in \(plan.timeZone))"
        )
        if plan.dryRun || rejected {
            print(
                "  \(plan.created) to create, \(plan.updated) to update, \(plan.unchanged) unchanged, \(plan.archived) to archive, \(plan.errorCount) problem(s)"
            )
        } else {
            print(
                "  \(plan.created) created, \(plan.updated) updated, \(plan.unchanged) unchanged, \(plan.archived) archived, \(plan.skipped) skipped (run \(plan.runId ?? 0))"
            )
        }
        for field in plan.newFields { print("  new field \(field.label) (\(field.type.rawValue))") }
        for column in plan.columns where column.action == .skip || column.note != nil {
            let what = column.action == .skip ? " skipped" : ""
            print("  column \"\(column.header)\"\(what)\(column.note.map { ": " + $0 } ?? "")")
        }
        for problem in plan.errors {
            print("  line \(problem.line)\(problem.column.map { " [\($0)]" } ?? ""): \(problem.message)")
        }
        if plan.errorCount > plan.errors.count { print("  … and \(plan.errorCount - plan.errors.count) more") }
    }

    /// `[#########...........]  45% writing, 12000 records`: reading the file, then planning or
    /// writing it (a second pass), each drawn across the whole bar.
    static func progressBar(_ progress: ImportProgress) -> String {
        let percent = progress.totalBytes > 0 ? min(100, progress.bytesRead * 100 / progress.totalBytes) : 0
        let filled = percent / 5
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        let padded = String(repeating: " ", count: 3 - String(percent).count) + String(percent)
        return "[\(bar)] \(padded)% \(progress.phase.rawValue), \(progress.records) records"
    }

    static func describe(_ failure: CSVImporter.Failure) -> String {
        switch failure {
        case .unreadable(let message): message
        case .invalidOption(let option, let message): "--\(option): \(message)"
        case .catalogChanged: "the table's fields changed while the file was read; nothing was imported, try again"
        case .rejected(let plan): "the file has \(plan.errorCount) problem(s)"
        }
    }
}

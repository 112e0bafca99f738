import Foundation
import GRDB

/// The second pass of an import, inside one transaction: reads each record into values, finds
/// its record by key, and plans (and, committing, applies) what happens to it.
final class ImportPass {
    let options: ImportOptions
    let scan: ImportScan
    let userId: Int64?
    let now: Date
    let progress: @Sendable (ImportProgress) -> Void

    private var plan: ImportPlan
    private var catalog: [FieldDefinition] = []
    private var columns: [ImportColumn] = []
    private var keyIndexes: [Int] = []
    private var timeZone = TimeZone(identifier: "UTC")!
    private var links = ImportLinks()
    /// Live record ids; records themselves are read when a row matches one (memory stays
    /// proportional to the keys, not to every value of the table).
    private var liveIds: Set<Int64> = []
    private var keyIndex: [String: [Int64]] = [:]
    private var seenKeys: [String: Int] = [:]
    private var matched: Set<Int64> = []
    /// Rows whose record could not be told (unreadable, ragged, blank key): archiving would miss them.
    private var unkeyedRows: [Int] = []
    private var errorRows = 0

    init(
        options: ImportOptions,
        scan: ImportScan,
        userId: Int64?,
        now: Date,
        progress: @escaping @Sendable (ImportProgress) -> Void
    ) {
        self.options = options
        self.scan = scan
        self.userId = userId
        self.now = now
        self.progress = progress
        self.plan = ImportPlan(
            dryRun: options.dryRun,
            table: options.table,
            file: .init(name: options.fileName, sha256: scan.sha256, bytes: scan.bytes, records: scan.records),
            key: [],
            timeZone: "UTC"
        )
    }

    func run(_ db: Database, commit: Bool) throws -> ImportPlan {
        let table = self.options.table
        self.catalog = try FieldDefinition.catalog(table, db)
        let zoneName = try self.options.timeZone?.identifier ?? AppSettings.timeZoneName(db)
        self.timeZone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        self.plan.timeZone = zoneName
        self.columns = try ImportColumns.resolve(
            self.scan.header,
            catalog: self.catalog,
            options: self.options,
            plan: &self.plan
        )
        guard self.columns.count == self.scan.columns.count,
            zip(self.columns, self.scan.columns).allSatisfy({ $0.sameTarget(as: $1) })
        else { throw CSVImporter.Failure.catalogChanged }

        try self.planNewFields(db)
        for index in self.columns.indices {
            guard let field = self.columns[index].field else { continue }
            let values = self.scan.values[index] ?? []
            if field.type == .date || field.type == .datetime {
                self.columns[index].dateOrder = ImportColumns.dateOrder(
                    self.columns[index],
                    values: values,
                    inferred: nil,
                    options: self.options,
                    plan: &self.plan
                )
            } else if field.type == .currency, case .string(let code)? = field.optionValues["currency"],
                case let found = ImportValues.currencyCode(values), found != code,
                values.contains(where: { !$0.trimmed.isEmpty })
            {
                // Amounts are numbers; the field's currency is not converted, so say so.
                self.columns[index].note =
                    "The amounts are written in \(found); \(field.label) is in \(code). They are imported as they stand, not converted."
            }
        }
        self.keyIndexes = try ImportColumns.keyColumns(
            self.columns,
            options: self.options,
            catalog: self.catalog,
            plan: &self.plan
        )
        self.plan.key = self.keyIndexes.map { self.columns[$0].header }
        try self.materializeNewFields(commit: commit, db)
        self.plan.columns = self.columns.map(Self.describe)

        if !self.keyIndexes.isEmpty {
            try self.loadRecords(db)
            var isHeader = true
            try CSVParser.read(
                path: self.scan.path,
                record: { record in
                    if isHeader {
                        isHeader = false
                        return
                    }
                    try self.handle(record, commit: commit, db)
                },
                problem: { problem in
                    if problem.kind == .invalidUTF8 {
                        self.plan.fileProblem(
                            column: nil,
                            "Line \(problem.line) is not UTF-8 text (byte \(problem.faultOffset)): export the file again from Airtable, or save it as \"CSV UTF-8\".",
                            maximum: self.options.maximumErrors
                        )
                    } else {
                        self.rowProblem(line: problem.line, column: nil, problem.description.capitalizedFirst)
                    }
                    self.errorRows += 1
                    self.unkeyedRows.append(problem.line)
                }
            )
            try self.archiveMissing(commit: commit, db)
        }
        self.plan.skipped = self.options.skipInvalidRows ? self.errorRows : 0
        if commit {
            if self.plan.hasFileErrors || (self.plan.errorCount > 0 && !self.options.skipInvalidRows) {
                throw CSVImporter.Failure.rejected(self.plan)
            }
            try self.saveNewOptions(db)
            try self.recordRun(db)
            try RecordStore.bumpGlobalVersion(db, by: self.userId, at: self.now)
        }
        return self.plan
    }

    // MARK: Fields

    /// Infers the type of every column the import creates a field for.
    private func planNewFields(_ db: Database) throws {
        // reads deleted rows: archived fields keep their keys
        var taken = Set(
            try String.fetchAll(
                db,
                sql: "SELECT key FROM fundraising_fields WHERE table_name = ?",
                arguments: [self.options.table.rawValue]
            )
        ).union(FieldCatalog.reserved)
        for index in self.columns.indices {
            guard case .create = self.columns[index].target else { continue }
            let header = self.columns[index].header
            let values = self.scan.values[index] ?? []
            let inference = ImportValues.infer(values)
            var type = inference.type
            var options: [String: JSONValue] = [:]
            switch type {
            case .singleSelect, .multiSelect:
                var choices: [String] = []
                for choice in inference.choices.map({ $0.trimmed })
                where !choice.isEmpty
                    && !choices.contains(where: { FieldValues.comparable($0) == FieldValues.comparable(choice) })
                {
                    choices.append(choice)
                }
                options["choices"] = .array(choices.map(JSONValue.string))
            case .currency:
                options["currency"] = .string(ImportValues.currencyCode(values))
            case .date, .datetime:
                self.columns[index].dateOrder = ImportColumns.dateOrder(
                    self.columns[index],
                    values: values,
                    inferred: .some(inference.dateOrder),
                    options: self.options,
                    plan: &self.plan
                )
            default: break
            }
            if type == .text || type == .singleSelect, let target = try self.linkTarget(values, db) {
                type = .link
                options = ["table": .string(target.rawValue)]
            }
            let key = FieldCatalog.deriveKey(header, taken: taken)
            taken.insert(key)
            self.plan.newFields.append(
                .init(header: header, key: key, label: header, type: type, options: .object(options))
            )
        }
    }

    /// The table whose record names every value of a column is, if any: the column is a link.
    private func linkTarget(_ values: [String], _ db: Database) throws -> RecordTable? {
        let distinct = Set(values.map(ImportLinks.nameKey).filter { !$0.isEmpty })
        guard !distinct.isEmpty, distinct.count <= 10_000 else { return nil }
        for target in [RecordTable.investors, .funds, .contacts] {
            if try distinct.allSatisfy({ try self.links.ids(named: $0, in: target.rawValue, db).count == 1 }) {
                return target
            }
        }
        return nil
    }

    /// Committing: creates the planned fields; a dry run reads values into stand-ins of them.
    private func materializeNewFields(commit: Bool, _ db: Database) throws {
        var planned = self.plan.newFields.makeIterator()
        for index in self.columns.indices {
            guard case .create = self.columns[index].target, let spec = planned.next() else { continue }
            guard case .object(let options) = spec.options else { continue }
            let field: FieldDefinition
            if commit {
                field = try FieldCatalog.insert(
                    self.options.table,
                    label: spec.label,
                    type: spec.type,
                    options: options,
                    at: self.now,
                    db
                )
            } else {
                field = try FieldDefinition(
                    row: Row([
                        "id": -Int64(index) - 1, "table_name": self.options.table.rawValue, "key": spec.key,
                        "label": spec.label,
                        "type": spec.type.rawValue, "options": JSONValue.encode(spec.options), "formula": nil,
                        "position": 10_000 + index,
                        "hidden_by_default": false, "is_core": false,
                    ])
                )
            }
            self.catalog.append(field)
            self.columns[index].target = .field(field)
            self.columns[index].createsField = true
        }
    }

    static func describe(_ column: ImportColumn) -> ImportPlan.Column {
        switch column.target {
        case .field(let field):
            ImportPlan.Column(
                header: column.header,
                action: column.createsField ? .create : .match,
                field: field.key,
                type: field.type,
                dateOrder: column.dateOrder,
                note: column.note
            )
        case .create: ImportPlan.Column(header: column.header, action: .create, note: column.note)
        case .recordId: ImportPlan.Column(header: column.header, action: .recordId, note: column.note)
        case .skip: ImportPlan.Column(header: column.header, action: .skip, note: column.note)
        }
    }

    // MARK: Records

    /// The table's live record ids and the index from key to record.
    private func loadRecords(_ db: Database) throws {
        let table = self.options.table
        let byRecordId =
            self.keyIndexes.count == 1
            && { if case .recordId = self.columns[self.keyIndexes[0]].target { true } else { false } }()
        let keyFields = self.keyIndexes.map { self.columns[$0].field }
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.sqlTable) WHERE deleted_at IS NULL ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            self.liveIds.insert(id)
            guard !byRecordId else { continue }
            let record = RecordValue(row: row, catalog: self.catalog)
            let parts = keyFields.map { field in field.flatMap { Self.keyText(record.fields[$0.key] ?? .null) } }
            guard parts.allSatisfy({ $0 != nil }) else { continue }
            self.keyIndex[parts.map { $0! }.joined(separator: "\u{1F}"), default: []].append(id)
        }
        if byRecordId {
            for (airtableId, id) in try self.links.airtableIds(table.rawValue, db) { self.keyIndex[airtableId] = [id] }
        }
    }

    /// How a key value compares: text trimmed and case-folded, other values as JSON; nil when blank.
    static func keyText(_ value: JSONValue) -> String? {
        switch value {
        case .null, .array([]): return nil
        case .string(let text):
            let key = ImportLinks.nameKey(text)
            return key.isEmpty ? nil : key
        default: return JSONValue.encode(value)
        }
    }

    private func handle(_ record: CSVRecord, commit: Bool, _ db: Database) throws {
        let line = record.line
        if record.fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
            self.plan.blankRows += 1
            return
        }
        if record.fields.count != self.columns.count {
            self.rowProblem(
                line: line,
                column: nil,
                "This row has \(record.fields.count) cells; the header has \(self.columns.count)."
            )
            self.errorRows += 1
            self.unkeyedRows.append(line)
            return
        }
        var values: [String: JSONValue] = [:]
        var failed: Set<Int> = []
        var airtableId: String?
        for column in self.columns {
            let raw = SpreadsheetEscape.unescape(record.fields[column.index])
            switch column.target {
            case .skip, .create: continue
            case .recordId:
                let text = raw.trimmed
                if text.isEmpty { continue }
                if ImportLinks.isAirtableId(text) {
                    airtableId = text
                } else {
                    self.rowProblem(
                        line: line,
                        column: column.header,
                        "\"\(text)\" is not an Airtable record id (rec and 14 letters or digits)."
                    )
                    failed.insert(column.index)
                }
            case .field(let field):
                if (field.type == .date || field.type == .datetime) && column.dateOrder == nil { continue }
                switch try self.convert(raw, column: column, field: field, db) {
                case .success(let value): values[field.key] = value
                case .failure(let problem):
                    self.rowProblem(line: line, column: column.header, problem.message)
                    failed.insert(column.index)
                }
            }
        }
        var parts: [String] = []
        for index in self.keyIndexes {
            let column = self.columns[index]
            let part: String? =
                if case .recordId = column.target { airtableId } else {
                    column.field.flatMap { values[$0.key] }.flatMap(Self.keyText)
                }
            if let part {
                parts.append(part)
            } else if !failed.contains(index) {
                self.rowProblem(
                    line: line,
                    column: column.header,
                    "The key (\(self.plan.key.joined(separator: ", "))) is blank."
                )
                failed.insert(index)
            }
        }
        if parts.count < self.keyIndexes.count {
            self.errorRows += 1
            self.unkeyedRows.append(line)
            return
        }
        let key = parts.joined(separator: "\u{1F}")
        if let first = self.seenKeys[key] {
            self.rowProblem(
                line: line,
                column: nil,
                "Line \(first) has the same key (\(self.plan.key.joined(separator: ", ")))."
            )
            self.errorRows += 1
            return
        }
        self.seenKeys[key] = line
        let candidates = (self.keyIndex[key] ?? []).filter { self.liveIds.contains($0) }
        if candidates.count > 1 {
            self.rowProblem(
                line: line,
                column: nil,
                "\(candidates.count) records in the CRM have this key; choose key columns that tell them apart."
            )
            self.errorRows += 1
            for candidate in candidates { self.matched.insert(candidate) }
            return
        }
        if let id = candidates.first { self.matched.insert(id) }
        if !failed.isEmpty {
            self.errorRows += 1
            return
        }
        if let id = candidates.first,
            let current = try RecordStore.read(
                self.options.table,
                id: id,
                includeDeleted: false,
                catalog: self.catalog,
                db
            )
        {
            try self.update(current, line: line, values: values, airtableId: airtableId, commit: commit, db)
        } else {
            try self.create(line: line, values: values, airtableId: airtableId, commit: commit, db)
        }
        let done = self.plan.created + self.plan.updated + self.plan.unchanged
        if done % 2000 == 0 {
            self.progress(
                ImportProgress(
                    phase: commit ? .writing : .planning,
                    bytesRead: record.byteOffset,
                    totalBytes: self.scan.bytes,
                    records: done
                )
            )
        }
    }

    private func create(
        line: Int,
        values: [String: JSONValue],
        airtableId: String?,
        commit: Bool,
        _ db: Database
    ) throws {
        let present = values.filter { $0.value != .null && $0.value != .array([]) && $0.value != .bool(false) }
        let missing = self.options.table.requiredKeys.filter { present[$0] == nil }
        if !missing.isEmpty {
            for key in missing {
                let label = self.catalog.first { $0.key == key }?.label ?? key
                self.rowProblem(
                    line: line,
                    column: self.columns.first { $0.field?.key == key }?.header,
                    "\(label) is required."
                )
            }
            self.errorRows += 1
            return
        }
        self.plan.created += 1
        var recordId: Int64?
        if commit {
            let id = try RecordStore.insert(
                self.options.table,
                fields: present,
                by: self.userId,
                at: self.now,
                catalog: self.catalog,
                db
            )
            try self.remember(airtableId, id, db)
            recordId = id
        }
        self.preview(
            .init(
                line: line,
                action: .create,
                recordId: recordId,
                changes: present.mapValues { ImportPlan.Change(old: .null, new: $0) }
            )
        )
    }

    private func update(
        _ current: RecordValue,
        line: Int,
        values: [String: JSONValue],
        airtableId: String?,
        commit: Bool,
        _ db: Database
    ) throws {
        // A blank cell of a column that always has a value (Stage) keeps it, as on create it
        // takes the default: re-importing the same export then changes nothing.
        let defaulted = self.options.table.defaultedKeys
        let changed = values.filter {
            !Self.same(current.fields[$0.key], $0.value) && !($0.value == .null && defaulted.contains($0.key))
        }
        if commit { try self.remember(airtableId, current.id, db) }
        guard !changed.isEmpty else {
            self.plan.unchanged += 1
            return
        }
        let required = self.options.table.requiredKeys.filter { changed[$0] == .null }
        if !required.isEmpty {
            for key in required {
                let label = self.catalog.first { $0.key == key }?.label ?? key
                self.rowProblem(
                    line: line,
                    column: self.columns.first { $0.field?.key == key }?.header,
                    "\(label) cannot be empty."
                )
            }
            self.errorRows += 1
            return
        }
        self.plan.updated += 1
        if commit {
            try RecordStore.apply(
                self.options.table,
                to: current,
                fields: changed,
                by: self.userId,
                at: self.now,
                catalog: self.catalog,
                db,
                bumpWhenUnchanged: false
            )
        }
        self.preview(
            .init(
                line: line,
                action: .update,
                recordId: current.id,
                changes: Dictionary(
                    uniqueKeysWithValues: changed.map { key, value in
                        (key, ImportPlan.Change(old: current.fields[key] ?? .null, new: value))
                    }
                )
            )
        )
    }

    /// A blank cell equals an unset value (an unticked box, an empty list).
    static func same(_ old: JSONValue?, _ new: JSONValue) -> Bool {
        let old = old ?? .null
        if old == new { return true }
        let blank: [JSONValue] = [.null, .bool(false), .array([])]
        return blank.contains(old) && blank.contains(new)
    }

    private func remember(_ airtableId: String?, _ recordId: Int64, _ db: Database) throws {
        guard let airtableId else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO import_record_ids (table_name, airtable_id, record_id) VALUES (?, ?, ?)",
            arguments: [self.options.table.rawValue, airtableId, recordId]
        )
    }

    /// Archives live records the file does not hold, when the caller chose to.
    private func archiveMissing(commit: Bool, _ db: Database) throws {
        guard self.options.archiveMissing else { return }
        guard self.unkeyedRows.isEmpty else {
            let lines = self.unkeyedRows.prefix(5).map(String.init).joined(separator: ", ")
            self.plan.fileProblem(
                column: nil,
                "Records missing from the file cannot be archived while rows cannot be matched (line \(lines)\(self.unkeyedRows.count > 5 ? "…" : "")): fix those rows first.",
                maximum: self.options.maximumErrors
            )
            return
        }
        for id in self.liveIds.sorted() where !self.matched.contains(id) {
            self.plan.archived += 1
            if commit,
                let current = try RecordStore.read(
                    self.options.table,
                    id: id,
                    includeDeleted: false,
                    catalog: self.catalog,
                    db
                )
            {
                try RecordStore.setDeleted(
                    self.options.table,
                    current,
                    deleted: true,
                    by: self.userId,
                    at: self.now,
                    db
                )
            }
            self.preview(.init(line: nil, action: .archive, recordId: id, changes: [:]))
        }
    }

    private func preview(_ row: ImportPlan.Row) {
        if self.plan.rows.count < self.options.previewRows { self.plan.rows.append(row) }
    }

    private func rowProblem(line: Int, column: String?, _ message: String) {
        self.plan.problem(line: line, column: column, message, maximum: self.options.maximumErrors)
    }

    // MARK: Values

    /// The canonical value of a cell for its field, or why it does not fit.
    private func convert(
        _ raw: String,
        column: ImportColumn,
        field: FieldDefinition,
        _ db: Database
    ) throws -> Result<JSONValue, FieldProblem> {
        switch field.type {
        case .link:
            return try self.links.resolve(raw, field: field, db)
        case .singleSelect, .multiSelect:
            self.addOptions(raw, to: field, column: column.index)
        default:
            break
        }
        let current = self.columns[column.index].field ?? field
        let value: JSONValue
        switch current.type {
        case .text, .email, .url, .phone:
            let text = raw.trimmed
            value = text.isEmpty ? .null : .string(text)
        case .longText:
            value = raw.isEmpty ? .null : .string(raw)
        default:
            switch ImportValues.value(raw, as: current.type, dateOrder: column.dateOrder, timeZone: self.timeZone) {
            case .success(let read): value = read
            case .failure(let problem): return .failure(problem)
            }
        }
        return FieldValues.normalize(value, for: current)
    }

    /// A custom select field gains the options the file uses that it lacks (as Airtable adds
    /// them when typed); a built-in field's options are fixed, so those are row errors.
    private func addOptions(_ raw: String, to field: FieldDefinition, column: Int) {
        guard !field.isCore, field.optionValues["free"] != .bool(true), field.optionValues["format"] == nil,
            var field = self.columns[column].field, case .array(var choices)? = field.optionValues["choices"]
        else { return }
        let items = field.type == .multiSelect ? CSVParser.items(raw) : [raw]
        var added = false
        for item in items.map({ $0.trimmed })
        where (1...200).contains(item.count) && !item.contains(where: \.isNewline) && choices.count < 1000 {
            let wanted = FieldValues.comparable(item)
            if choices.contains(where: {
                if case .string(let name) = $0 { FieldValues.comparable(name) == wanted } else { false }
            }) {
                continue
            }
            choices.append(.string(item))
            self.plan.newOptions[field.key, default: []].append(item)
            added = true
        }
        guard added else { return }
        var options = field.optionValues
        options["choices"] = .array(choices)
        field.options = JSONValue.encode(.object(options))
        self.columns[column].target = .field(field)
        if let position = self.catalog.firstIndex(where: { $0.key == field.key }) { self.catalog[position] = field }
    }

    private func saveNewOptions(_ db: Database) throws {
        for key in self.plan.newOptions.keys.sorted() {
            guard let field = self.catalog.first(where: { $0.key == key }), field.id > 0 else { continue }
            try db.execute(
                sql: "UPDATE fundraising_fields SET options = ?, updated_at = ? WHERE id = ?",
                arguments: [field.options, self.now, field.id]
            )
        }
    }

    private func recordRun(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO import_runs (table_name, file_name, file_sha256, file_bytes, created, updated, unchanged, archived,
                    skipped, new_fields, options, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                self.options.table.rawValue, String(self.options.fileName.prefix(255)), self.scan.sha256,
                self.scan.bytes,
                self.plan.created, self.plan.updated, self.plan.unchanged, self.plan.archived, self.plan.skipped,
                self.plan.newFields.count, JSONValue.encode(self.options.summary), self.userId, self.now,
            ]
        )
        self.plan.runId = db.lastInsertedRowID
    }
}

extension String {
    var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst() }
}

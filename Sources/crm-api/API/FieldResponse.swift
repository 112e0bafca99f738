import Foundation
import Hummingbird
import Shared

struct FieldResponse: ResponseEncodable {
    let key: String
    let label: String
    let type: FieldType
    let options: JSONValue
    let formula: String?
    /// What a formula field's values are: number, text, boolean, date, datetime or array.
    let resultType: String?
    let position: Int
    let hiddenByDefault: Bool
    let isCore: Bool
    /// Computed by the server (formulas, record metadata, signals from captured mail).
    let readOnly: Bool
    /// A formula being recomputed over a large table in the background, and how far it is.
    let recompute: FormulaJobResponse?
    /// A select's options as people read them (`soft_circle` → "Soft circle"), so the browser
    /// shows the labels the server's messages use.
    let choiceLabels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case key, label, type, options, formula, position, recompute
        case choiceLabels = "choice_labels"
        case resultType = "result_type"
        case hiddenByDefault = "hidden_by_default"
        case isCore = "is_core"
        case readOnly = "read_only"
    }

    init(_ field: FieldDefinition) { self.init(field, job: nil) }

    init(_ field: FieldDefinition, job: FormulaJobs.Job?) {
        self.recompute = job.map(FormulaJobResponse.init)
        self.key = field.key
        self.label = field.label
        self.type = field.type
        self.options = JSONValue.decode(field.options) ?? [:]
        self.formula = field.formula
        self.resultType = field.type == .formula ? FormulaFields.resultType(field)?.rawValue : nil
        self.position = field.position
        self.hiddenByDefault = field.hiddenByDefault
        self.isCore = field.isCore
        self.readOnly = field.isComputed
        if case .array(let choices)? = field.optionValues["choices"] {
            let names = choices.compactMap { if case .string(let name) = $0 { name } else { nil } }
            self.choiceLabels = Dictionary(names.map { ($0, FieldValues.optionLabel($0)) }) { first, _ in first }
        } else {
            self.choiceLabels = nil
        }
    }
}

/// A background recompute of a formula and its progress.
struct FormulaJobResponse: ResponseEncodable {
    let id: Int64
    let table: String
    let field: String
    let status: FormulaJobs.Job.Status
    let done: Int
    let total: Int
    let createdAt: Date
    let finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, table, field, status, done, total
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    init(_ job: FormulaJobs.Job) {
        self.id = job.id
        self.table = job.table.rawValue
        self.field = job.fieldKey
        self.status = job.status
        self.done = job.done
        self.total = job.total
        self.createdAt = job.createdAt
        self.finishedAt = job.finishedAt
    }
}

import HTTPTypes
import Shared

extension EmailAccountStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such team member.")
        case .syncOff:
            APIError(.conflict, "sync_off", "Mail sync is off for this member; turn it on first.")
        }
    }
}

extension EmailErasures.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such record or erasure.")
        case .restored: APIError(.conflict, "already_restored", "This erasure was restored already.")
        }
    }
}

extension CommunicationStore.Failure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound("There is no such communication.")
        case .invalid(let problems):
            APIError(
                .unprocessableContent,
                "invalid_fields",
                "Some values do not fit.",
                details: APIError.problems(problems)
            )
        case .versionConflict(let current):
            APIError(
                .conflict,
                "version_conflict",
                "Someone else changed this communication since you loaded it.",
                details: ["current_version": .number(Double(current.version))]
            )
        case .possibleDuplicates(let candidates):
            APIError(
                .conflict,
                "possible_duplicate",
                "This looks like a record the CRM has already: name it, or confirm that it is new.",
                details: [
                    "candidates": .array(
                        candidates.map {
                            .object([
                                "table": .string($0.table.rawValue), "id": .number(Double($0.id)),
                                "name": .string($0.name),
                            ])
                        }
                    )
                ]
            )
        }
    }
}

import Foundation
import GRDB
import Synchronization

/// The formula fields of one table, checked against its catalog and ordered so every formula
/// runs after the formulas it reads. Built once per catalog (cached by a fingerprint of it).
public struct FormulaPlan: Sendable {
    public struct Entry: Sendable {
        public let field: FieldDefinition
        /// The checked formula, or why a stored formula no longer checks (its cells show the reason).
        public let compiled: Result<CompiledFormula, FormulaProblem>
        /// True when it calls `LAST_MODIFIED_TIME({Field}, …)`, which reads edit times from history.
        let readsFieldTimes: Bool
    }

    /// Formula fields in an order where each comes after those it reads.
    public let entries: [Entry]
    /// Field key → the formula fields that read it, directly or through other formulas.
    let dependents: [String: Set<String>]
    /// Formulas that change with any edit of the record or with time (`NOW()`, `TODAY()`,
    /// `LAST_MODIFIED_TIME()`, a last-modified field), and those that read them.
    let volatile: Set<String>
    /// Formulas whose value moves with the clock (`NOW()`, `TODAY()`, `TONOW`, `FROMNOW`) and
    /// those that read them: refreshed daily as well as on every edit.
    public let clockBound: Set<String>

    public var isEmpty: Bool { self.entries.isEmpty }

    private static let cache = Mutex<[String: FormulaPlan]>([:])

    /// The plan for a table's catalog.
    public static func of(_ catalog: [FieldDefinition]) -> FormulaPlan {
        let formulas = catalog.filter { $0.type == .formula }
        guard !formulas.isEmpty else { return FormulaPlan(entries: [], dependents: [:], volatile: [], clockBound: []) }
        let fingerprint = catalog.map {
            "\($0.key)\u{1}\($0.label)\u{1}\($0.type.rawValue)\u{1}\($0.formula ?? "")\u{1}\($0.options)"
        }
        .joined(separator: "\u{2}")
        if let plan = Self.cache.withLock({ $0[fingerprint] }) { return plan }
        let plan = FormulaPlan(catalog: catalog)
        Self.cache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }
            cache[fingerprint] = plan
        }
        return plan
    }

    private init(entries: [Entry], dependents: [String: Set<String>], volatile: Set<String>, clockBound: Set<String>) {
        self.entries = entries
        self.dependents = dependents
        self.volatile = volatile
        self.clockBound = clockBound
    }

    private init(catalog: [FieldDefinition]) {
        let names = FormulaFields.names(catalog)
        var compiled: [String: Entry] = [:]
        for field in catalog where field.type == .formula {
            let result = Result { () throws(FormulaProblem) -> CompiledFormula in
                try FormulaChecker.check(field.formula ?? "", fields: names)
            }
            let readsTimes = (try? result.get()).map { Self.readsFieldTimes($0.expression) } ?? false
            compiled[field.key] = Entry(field: field, compiled: result, readsFieldTimes: readsTimes)
        }
        let graph = compiled.mapValues { (try? $0.compiled.get())?.dependencies ?? [] }
        let order = FormulaGraph.order(graph, catalogOrder: catalog.map(\.key))
        self.entries = order.compactMap { compiled[$0] }
        let dependents = FormulaGraph.dependents(graph)
        self.dependents = dependents
        let changing = Set(catalog.filter { $0.type == .lastModifiedTime || $0.type == .lastModifiedBy }.map(\.key))
        var volatile: Set<String> = []
        var clockBound: Set<String> = []
        for (key, entry) in compiled {
            let reads = Set(graph[key] ?? [])
            let expression = (try? entry.compiled.get())?.expression
            if expression.map({ Self.calls(Self.clockFunctions, $0) }) == true {
                clockBound.insert(key)
                clockBound.formUnion(dependents[key] ?? [])
            }
            if expression.map({ Self.calls(Self.clockFunctions.union(["LAST_MODIFIED_TIME"]), $0) }) == true
                || !reads.isDisjoint(with: changing)
            {
                volatile.insert(key)
                volatile.formUnion(dependents[key] ?? [])
            }
        }
        self.volatile = volatile
        self.clockBound = clockBound
    }

    private static let clockFunctions: Set<String> = ["NOW", "TODAY", "TONOW", "FROMNOW"]

    /// The formulas to run after an edit of `changed` fields, in order.
    public func affected(by changed: some Sequence<String>) -> [Entry] {
        var keys = self.volatile
        for key in changed { keys.formUnion(self.dependents[key] ?? []) }
        return self.entries.filter { keys.contains($0.field.key) }
    }

    private static func calls(_ names: Set<String>, _ expression: FormulaExpression) -> Bool {
        switch expression.node {
        case .call(let name, let arguments): return names.contains(name) || arguments.contains { Self.calls(names, $0) }
        case .negate(let operand): return Self.calls(names, operand)
        case .binary(_, let left, let right): return Self.calls(names, left) || Self.calls(names, right)
        default: return false
        }
    }

    private static func readsFieldTimes(_ expression: FormulaExpression) -> Bool {
        switch expression.node {
        case .call(let name, let arguments):
            return (name == "LAST_MODIFIED_TIME" && !arguments.isEmpty)
                || arguments.contains(where: Self.readsFieldTimes)
        case .negate(let operand): return Self.readsFieldTimes(operand)
        case .binary(_, let left, let right): return Self.readsFieldTimes(left) || Self.readsFieldTimes(right)
        default: return false
        }
    }
}

/// Dependencies between formula fields: order, dependents and cycles.
public enum FormulaGraph {
    /// Formula keys so that each comes after the formulas it reads; ties keep catalog order.
    /// Formulas caught in a cycle (which saving refuses) come last.
    static func order(_ graph: [String: [String]], catalogOrder: [String]) -> [String] {
        var done: Set<String> = []
        var visiting: Set<String> = []
        var order: [String] = []
        func visit(_ key: String) {
            guard graph[key] != nil, !done.contains(key), !visiting.contains(key) else { return }
            visiting.insert(key)
            for dependency in graph[key] ?? [] { visit(dependency) }
            visiting.remove(key)
            done.insert(key)
            order.append(key)
        }
        for key in catalogOrder { visit(key) }
        return order
    }

    /// Field key → every formula that reads it, directly or through other formulas.
    static func dependents(_ graph: [String: [String]]) -> [String: Set<String>] {
        var direct: [String: Set<String>] = [:]
        for (formula, dependencies) in graph {
            for dependency in dependencies { direct[dependency, default: []].insert(formula) }
        }
        var closure: [String: Set<String>] = [:]
        for key in direct.keys {
            var seen: Set<String> = []
            var stack = Array(direct[key] ?? [])
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                stack += direct[next] ?? []
            }
            closure[key] = seen
        }
        return closure
    }

    /// The chain of keys from `start` back to itself, if reading its dependencies ever leads there.
    public static func cycle(from start: String, _ graph: [String: [String]]) -> [String]? {
        var path: [String] = [start]
        var seen: Set<String> = []
        func walk(_ key: String) -> Bool {
            for dependency in graph[key] ?? [] {
                if dependency == start {
                    path.append(start)
                    return true
                }
                guard graph[dependency] != nil, seen.insert(dependency).inserted else { continue }
                path.append(dependency)
                if walk(dependency) { return true }
                path.removeLast()
            }
            return false
        }
        return walk(start) ? path : nil
    }
}

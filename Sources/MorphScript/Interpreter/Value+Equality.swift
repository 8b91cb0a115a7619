import MorphEngine

extension Value {
    /// Structural equality; host values are equal only to themselves.
    public func isEqual(to other: Value) -> Bool {
        var check = EqualityCheck(cancellation: nil)
        return (try? check.equal(self, other)) ?? false
    }

    /// Structural equality that a set `cancellation` ends with Interrupted. Each pair of
    /// distinct arrays is compared once, however often it is shared.
    func isEqual(to other: Value, cancellation: CancellationToken?) throws(ScriptError) -> Bool {
        var check = EqualityCheck(cancellation: cancellation)
        return try check.equal(self, other)
    }
}

/// Structural comparison of values, memoised by pairs of array storages.
struct EqualityCheck {
    let cancellation: CancellationToken?
    private var known: [Pair: Bool] = [:]
    private var visits = 0

    private struct Pair: Hashable {
        var lhs: UInt
        var rhs: UInt
    }

    init(cancellation: CancellationToken?) {
        self.cancellation = cancellation
    }

    mutating func equal(_ lhs: Value, _ rhs: Value) throws(ScriptError) -> Bool {
        visits &+= 1
        if visits & 4095 == 0, cancellation?.isCancelled == true { throw ScriptError.interrupted() }
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            return lhs.doubleValue == rhs.doubleValue
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            guard !a.isEmpty else { return true }
            let key = Pair(lhs: a.storageIdentity, rhs: b.storageIdentity)
            if let result = known[key] { return result }
            var result = true
            for (x, y) in zip(a, b) where !(try equal(x, y)) {
                result = false
                break
            }
            known[key] = result
            return result
        case (.range(let a), .range(let b)): return a == b
        case (.function(let a), .function(let b)): return a == b
        case (.host(let a), .host(let b)): return a === b
        default: return false
        }
    }
}

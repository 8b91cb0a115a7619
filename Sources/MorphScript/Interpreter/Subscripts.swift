import MorphEngine

/// Reading and writing `base[index]` for arrays, strings, ranges and host values.
enum Subscripts {
    static func get(_ base: Value, at index: Value, position: SourcePosition) throws(ScriptError) -> Value {
        switch base {
        case .array(let elements):
            switch index {
            case .int(let i):
                try check(i, count: elements.count, position: position)
                return elements[i]
            case .range(let range):
                let bounds = try slice(range, count: elements.count, position: position)
                return .array(Array(elements[bounds]))
            default:
                throw indexTypeError(index, position)
            }
        case .string(let s):
            let characters = Array(s)
            switch index {
            case .int(let i):
                try check(i, count: characters.count, position: position)
                return .string(String(characters[i]))
            case .range(let range):
                let bounds = try slice(range, count: characters.count, position: position)
                return .string(String(characters[bounds]))
            default:
                throw indexTypeError(index, position)
            }
        case .range(let r):
            guard let bounds = r.fullBounds else {
                throw ScriptError("TypeError", "a partial range cannot be subscripted", at: position)
            }
            guard case .int(let i) = index else { throw indexTypeError(index, position) }
            guard let count = r.count else {
                throw ScriptError("ValueError", "the range \(Value.range(r).repr) holds more integers than an Int can count", at: position)
            }
            try check(i, count: count, position: position)
            return .int(bounds.lowerBound + i)
        case .host(let object):
            do {
                return try object.element(at: index)
            } catch {
                throw ScriptError.converting(error).placed(at: position)
            }
        default:
            throw ScriptError("TypeError", "a \(base.typeName) cannot be subscripted", at: position)
        }
    }

    /// Changes `base[index]` in place (arrays only).
    static func modify(
        _ base: inout Value, at index: Value, position: SourcePosition, cancellation: CancellationToken? = nil, _ change: (inout Value) throws(ScriptError) -> Void) throws(ScriptError) {
        guard case .array(var elements) = base else {
            throw ScriptError("TypeError", "cannot assign into a \(base.typeName); only array elements can be assigned", at: position)
        }
        guard case .int(let i) = index else {
            throw ScriptError("TypeError", "array elements are assigned by Int index, got \(index.typeName)", at: position)
        }
        try check(i, count: elements.count, position: position)
        base = .none
        defer { base = .array(elements) }
        try change(&elements[i])
        if case .array = elements[i] {
            do { try Value.array(elements).checkNesting(cancellation: cancellation) } catch { throw error.placed(at: position) }
        }
    }

    private static func check(_ i: Int, count: Int, position: SourcePosition) throws(ScriptError) {
        guard i >= 0 && i < count else {
            let valid = count == 0 ? "it is empty" : "valid indices are 0..<\(count)"
            throw ScriptError("IndexError", "index \(i) is out of range: \(count) element\(count == 1 ? "" : "s"), \(valid)", at: position)
        }
    }

    private static func slice(_ range: RangeValue, count: Int, position: SourcePosition) throws(ScriptError) -> Range<Int> {
        guard let bounds = range.bounds(count: count), bounds.lowerBound >= 0, bounds.upperBound <= count else {
            throw ScriptError("IndexError", "range \(Value.range(range).repr) is out of bounds for \(count) element\(count == 1 ? "" : "s") (valid: within 0..<\(count))", at: position)
        }
        return bounds
    }

    private static func indexTypeError(_ index: Value, _ position: SourcePosition) -> ScriptError {
        ScriptError("TypeError", "an index must be an Int or a range such as 0..<8, got \(index.typeName)", at: position)
    }
}

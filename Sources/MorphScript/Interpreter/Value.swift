/// A MorphScript value: numbers, text, booleans, arrays, ranges, builtin functions,
/// nothing, and host values backed by the engine (datasets, models, histories, …).
///
/// Arrays and scalars are values (copied on assignment); host values are references,
/// so training changes a model in place wherever it is bound.
public enum Value {
    /// The absence of a value (what `print` returns).
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case range(RangeValue)
    /// A builtin function, by name (all its overloads).
    case function(String)
    /// An engine-backed value.
    case host(any HostValue)
}

/// `a..<b`, `a...b`, or a partial range with one bound missing (only valid as a subscript).
public struct RangeValue: Sendable, Equatable {
    /// The first element, or nil for `..<b` / `...b`.
    public var lower: Int?
    /// The upper bound, or nil for `a...`.
    public var upper: Int?
    /// Whether `upper` is included (`...`) rather than excluded (`..<`).
    public var closed: Bool

    /// A range from its bounds.
    public init(lower: Int?, upper: Int?, closed: Bool) {
        self.lower = lower
        self.upper = upper
        self.closed = closed
    }

    /// The half-open integer range for a collection of `count` elements (fills missing bounds).
    public func bounds(count: Int) -> Range<Int>? {
        let low = lower ?? 0
        var high = upper ?? count
        if closed, upper != nil {
            let (next, overflow) = high.addingReportingOverflow(1)
            if overflow { return nil }
            high = next
        }
        guard low <= high else { return nil }
        return low..<high
    }

    /// The bounds when both are given.
    public var fullBounds: Range<Int>? {
        guard lower != nil, upper != nil else { return nil }
        return bounds(count: 0)
    }

    /// Number of integers in a range with both bounds (nil when partial, or when the count does
    /// not fit in an Int, as in -9e18..<9e18).
    public var count: Int? {
        guard let bounds = fullBounds else { return nil }
        let (count, overflow) = bounds.upperBound.subtractingReportingOverflow(bounds.lowerBound)
        return overflow ? nil : count
    }
}

extension Value {
    /// The type name users see in messages and that keys member declarations.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "Bool"
        case .int: return "Int"
        case .double: return "Double"
        case .string: return "String"
        case .array: return "Array"
        case .range: return "Range"
        case .function: return "Function"
        case .host(let object): return object.typeName
        }
    }

    /// Type names whose members apply, most specific first.
    public var memberTypeNames: [String] {
        if case .host(let object) = self { return [object.typeName] + object.conformances }
        return [typeName]
    }

    /// The number as a Double, for ints and doubles.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Whether the value is a builtin function.
    public var isFunction: Bool {
        if case .function = self { return true }
        return false
    }

    /// Whether the value is absent.
    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Plain text as `print` and interpolation write it (strings without quotes).
    public var text: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// Source-like text (strings quoted), as a result or inside an array.
    public var repr: String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .string(let s): return Value.quote(s)
        case .array: return repr(limit: Operators.maximumLength)
        case .range(let r):
            return (r.lower.map(String.init) ?? "") + (r.closed ? "..." : "..<") + (r.upper.map(String.init) ?? "")
        case .function(let name): return "<function \(name)>"
        case .host(let object): return object.summary
        }
    }

    /// A double as Swift prints it (`1.0`, `0.25`, `1e-05`).
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return String(d)
    }

    /// A string as a literal, with escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

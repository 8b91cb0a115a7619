#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Library {
    /// A small numeric toolkit: mean, min, max, sum, sqrt, abs, round, count, …
    static let math = Library(name: "math", builtins: [
        .function("mean", [.positional("values", .array(of: .number))], returns: .double,
                  summary: "The arithmetic mean of an array of numbers.",
                  doc: "Example:\n    mean([1, 2, 3, 4])   // 2.5") { call in
            let values = try call.arguments.doubles("values")
            guard !values.isEmpty else { throw call.arguments.error("ValueError", "mean of an empty array; it needs at least one number", at: "values") }
            return .double(values.reduce(0, +) / Double(values.count))
        },
        .function("sum", [.positional("values", .array(of: .number))], returns: .number,
                  summary: "The sum of an array of numbers (an Int when all are Ints).",
                  doc: "Example:\n    sum([1, 2, 3])   // 6") { call in
            let values = try call.arguments.array("values")
            if values.allSatisfy({ if case .int = $0 { return true }; return false }) {
                var total = 0
                for case .int(let i) in values {
                    let (next, overflow) = total.addingReportingOverflow(i)
                    if overflow { throw call.arguments.error("ValueError", "integer overflow in sum; convert to Double first", at: "values") }
                    total = next
                }
                return .int(total)
            }
            return .double(try call.arguments.doubles("values").reduce(0, +))
        },
        extremum("min", summary: "The smallest of an array of numbers, or of several numbers.", example: "min([3, 1, 2])   // 1\n    min(0.5, 2)      // 0.5", pick: { $0 < $1 }),
        extremum("min", variadic: true, summary: "The smallest of an array of numbers, or of several numbers.", example: "min([3, 1, 2])   // 1\n    min(0.5, 2)      // 0.5", pick: { $0 < $1 }),
        extremum("max", summary: "The largest of an array of numbers, or of several numbers.", example: "max([3, 1, 2])   // 3\n    max(0.5, 2)      // 2", pick: { $0 > $1 }),
        extremum("max", variadic: true, summary: "The largest of an array of numbers, or of several numbers.", example: "max([3, 1, 2])   // 3\n    max(0.5, 2)      // 2", pick: { $0 > $1 }),
        .function("sqrt", [.positional("x", .number)], returns: .double,
                  summary: "The square root of a non-negative number.",
                  doc: "Example:\n    sqrt(2)   // 1.4142135623730951") { call in
            let x = try call.arguments.double("x")
            guard x >= 0 else { throw call.arguments.error("ValueError", "sqrt of a negative number (\(Value.format(x)))", at: "x") }
            return .double(x.squareRoot())
        },
        .function("abs", [.positional("x", .number)], returns: .number,
                  summary: "The absolute value of a number.",
                  doc: "Example:\n    abs(-3)     // 3\n    abs(-0.5)   // 0.5") { call in
            switch call.arguments["x"] {
            case .int(let i):
                guard i != .min else { throw call.arguments.error("ValueError", "abs(\(i)) does not fit in an Int", at: "x") }
                return .int(Swift.abs(i))
            default:
                return .double(Swift.abs(try call.arguments.double("x")))
            }
        },
        .function("round", [
            .positional("x", .number),
            .labeled("digits", .int, default: .int(0), doc: "decimal places to keep (negative rounds to tens, hundreds, …)"),
        ], returns: .double, summary: "A number rounded to some decimal places (halves away from zero).",
        doc: "Example:\n    round(2.5)                // 3.0\n    round(3.14159, digits: 2) // 3.14") { call in
            let x = try call.arguments.double("x")
            let digits = try call.arguments.int("digits")
            guard (-300...300).contains(digits) else {
                throw call.arguments.error("ValueError", "digits must be between -300 and 300, got \(digits)", at: "digits")
            }
            if digits == 0 { return .double(x.rounded()) }
            let scale = pow(10.0, Double(Swift.abs(digits)))
            if digits > 0 {
                let scaled = x * scale
                return .double(scaled.isFinite ? scaled.rounded() / scale : x)
            }
            return .double((x / scale).rounded() * scale)
        },
        .function("count", [.positional("collection", .either(.array, .string, .range))], returns: .int,
                  summary: "The number of elements of an array, characters of a string, or integers in a range.",
                  doc: "Example:\n    count([1, 2, 3])   // 3\n    count(0..<8)       // 8") { call in
            try countOf(call.arguments["collection"], call)
        },
        .function("exp", [.positional("x", .number)], returns: .double, summary: "e raised to the power x.",
                  doc: "Example:\n    exp(1)   // 2.718281828459045") { call in
            .double(Glibc.exp(try call.arguments.double("x")))
        },
        .function("log", [.positional("x", .number)], returns: .double, summary: "The natural logarithm of a positive number.",
                  doc: "Example:\n    log(exp(2))   // 2.0") { call in
            let x = try call.arguments.double("x")
            guard x > 0 else { throw call.arguments.error("ValueError", "log of a non-positive number (\(Value.format(x)))", at: "x") }
            return .double(Glibc.log(x))
        },
        .function("pow", [.positional("base", .number), .positional("exponent", .number)], returns: .double,
                  summary: "base raised to the power exponent.",
                  doc: "Example:\n    pow(2, 10)   // 1024.0") { call in
            .double(Glibc.pow(try call.arguments.double("base"), try call.arguments.double("exponent")))
        },
        .function("stride", [
            .labeled("from", .number), .labeled("to", .number), .labeled("by", .number, default: .int(1)),
        ], returns: .array(of: .number), summary: "Numbers from a start up to (not including) an end, in steps.",
        doc: "Ints when all three are Ints, Doubles otherwise.\nExample:\n    stride(from: 0, to: 1, by: 0.25)   // [0.0, 0.25, 0.5, 0.75]") { call in
            let a = call.arguments["from"], b = call.arguments["to"], s = call.arguments["by"]
            if case .int(let start) = a, case .int(let end) = b, case .int(let step) = s {
                guard step != 0 else { throw call.arguments.error("ValueError", "'by' must not be zero", at: "by") }
                var values: [Value] = []
                var current = start
                while step > 0 ? current < end : current > end {
                    guard values.count < 10_000_000 else {
                        throw call.arguments.error("ValueError", "stride would make more than 10,000,000 numbers", at: "by")
                    }
                    values.append(.int(current))
                    let (next, overflow) = current.addingReportingOverflow(step)
                    if overflow { break }
                    current = next
                }
                return .array(values)
            }
            let start = try call.arguments.double("from"), end = try call.arguments.double("to"), step = try call.arguments.double("by")
            guard step != 0, step.isFinite else { throw call.arguments.error("ValueError", "'by' must be a non-zero finite number", at: "by") }
            let estimate = ((end - start) / step).rounded(.up)
            guard estimate.isFinite, estimate <= 10_000_000 else { throw call.arguments.error("ValueError", "stride would make too many numbers; at most 10,000,000", at: "by") }
            let n = estimate > 0 ? Int(estimate) : 0  // a far negative estimate does not fit in an Int
            return .array((0..<n).map { .double(start + Double($0) * step) })
        },
    ])

    static func countOf(_ value: Value, _ call: Invocation) throws -> Value {
        switch value {
        case .array(let a): return .int(a.count)
        case .string(let s): return .int(s.count)
        case .range(let r):
            guard let n = r.count else { throw ScriptError(kind: "ValueError", message: "a partial range has no count") }
            return .int(n)
        default: throw ScriptError(kind: "TypeError", message: "count needs an array, a string or a range, got \(value.typeName)")
        }
    }

    private static func extremum(_ name: String, variadic: Bool = false, summary: String, example: String, pick: @escaping @Sendable (Double, Double) -> Bool) -> Builtin {
        let parameters: [Parameter] = variadic ? [.variadic("values", .number)] : [.positional("values", .array(of: .number))]
        return .function(name, parameters, returns: .number, summary: summary, doc: "Example:\n    " + example) { call in
            let values = variadic ? call.arguments.variadic : try call.arguments.array("values")
            guard var best = values.first, var bestNumber = best.doubleValue else {
                throw call.arguments.error("ValueError", "\(name) of an empty array; it needs at least one number", at: "values")
            }
            for value in values.dropFirst() {
                guard let number = value.doubleValue else { continue }
                if pick(number, bestNumber) || number.isNaN { best = value; bestNumber = number }
            }
            return best
        }
    }
}

import MorphEngine

/// Arithmetic, comparison and logic on values, with errors instead of traps.
enum Operators {
    /// Longest array (elements) or string (bytes) `+` builds, so a doubling loop fails
    /// with an error instead of exhausting memory.
    static let maximumLength = 10_000_000

    /// `lhs op rhs` for every operator except the short-circuiting `&&` and `||`; a set
    /// `cancellation` ends a long comparison of nested arrays.
    static func apply(
        _ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at position: SourcePosition, cancellation: CancellationToken? = nil
    ) throws(ScriptError) -> Value {
        switch op {
        case .equal, .notEqual:
            let equal: Bool
            do { equal = try lhs.isEqual(to: rhs, cancellation: cancellation) } catch { throw error.placed(at: position) }
            return .bool(op == .equal ? equal : !equal)
        case .less, .lessEqual, .greater, .greaterEqual:
            return .bool(try compare(op, lhs, rhs, at: position))
        case .and, .or:
            guard case .bool(let a) = lhs, case .bool(let b) = rhs else {
                throw ScriptError("TypeError", "'\(op.rawValue)' needs Bool operands, got \(lhs.typeName) and \(rhs.typeName)", at: position)
            }
            return .bool(op == .and ? a && b : a || b)
        case .add, .subtract, .multiply, .divide, .remainder:
            return try arithmetic(op, lhs, rhs, at: position)
        }
    }

    private static func compare(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at position: SourcePosition) throws(ScriptError) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return order(op, a, b)
        case (.string(let a), .string(let b)): return order(op, a, b)
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue { return order(op, a, b) }
            throw ScriptError("TypeError", "cannot compare \(lhs.typeName) with \(rhs.typeName) using '\(op.rawValue)'; both sides must be numbers or both strings", at: position)
        }
    }

    private static func order<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        default: return a >= b
        }
    }

    private static func arithmetic(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at position: SourcePosition) throws(ScriptError) -> Value {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            let result: (partialValue: Int, overflow: Bool)
            switch op {
            case .add: result = a.addingReportingOverflow(b)
            case .subtract: result = a.subtractingReportingOverflow(b)
            case .multiply: result = a.multipliedReportingOverflow(by: b)
            case .divide:
                if b == 0 { throw ScriptError("ZeroDivisionError", "division by zero", at: position) }
                result = a.dividedReportingOverflow(by: b)
            default:
                if b == 0 { throw ScriptError("ZeroDivisionError", "remainder of division by zero", at: position) }
                result = a.remainderReportingOverflow(dividingBy: b)
            }
            if result.overflow {
                throw ScriptError("ValueError", "integer overflow in \(a) \(op.rawValue) \(b); use a Double (write \(a).0) for very large numbers", at: position)
            }
            return .int(result.partialValue)
        case (.string(let a), .string(let b)) where op == .add:
            guard a.utf8.count + b.utf8.count <= maximumLength else {
                throw ScriptError("ValueError", "the joined string would exceed \(maximumLength) bytes", at: position)
            }
            return .string(a + b)
        case (.array(let a), .array(let b)) where op == .add:
            guard a.count + b.count <= maximumLength else {
                throw ScriptError("ValueError", "the joined array would exceed \(maximumLength) elements", at: position)
            }
            return .array(a + b)
        case (.string, _) where op == .add, (_, .string) where op == .add:
            throw ScriptError("TypeError", "cannot add \(lhs.typeName) and \(rhs.typeName); convert with String(x) or interpolate: \"…\\(x)…\"", at: position)
        default:
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else {
                throw ScriptError("TypeError", "cannot apply '\(op.rawValue)' to \(lhs.typeName) and \(rhs.typeName); it needs two numbers", at: position)
            }
            switch op {
            case .add: return .double(a + b)
            case .subtract: return .double(a - b)
            case .multiply: return .double(a * b)
            case .divide:
                if b == 0 { throw ScriptError("ZeroDivisionError", "division by zero", at: position) }
                return .double(a / b)
            default:
                if b == 0 { throw ScriptError("ZeroDivisionError", "remainder of division by zero", at: position) }
                return .double(a.truncatingRemainder(dividingBy: b))
            }
        }
    }

    /// `-x` or `!x`.
    static func apply(_ op: UnaryOperator, _ operand: Value, at position: SourcePosition) throws(ScriptError) -> Value {
        switch (op, operand) {
        case (.negate, .int(let i)):
            let (result, overflow) = Int(0).subtractingReportingOverflow(i)
            if overflow { throw ScriptError("ValueError", "integer overflow negating \(i)", at: position) }
            return .int(result)
        case (.negate, .double(let d)): return .double(-d)
        case (.not, .bool(let b)): return .bool(!b)
        case (.negate, _):
            throw ScriptError("TypeError", "unary '-' needs a number, got \(operand.typeName)", at: position)
        case (.not, _):
            throw ScriptError("TypeError", "'!' needs a Bool, got \(operand.typeName); compare instead, e.g. x == 0", at: position)
        }
    }
}

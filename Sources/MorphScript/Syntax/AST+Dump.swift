/// A compact S-expression form of syntax trees, for golden tests and debugging.
extension Expr {
    /// The expression as an S-expression: `(+ 1 (* 2 3))`.
    public var dump: String {
        switch kind {
        case .integer(let v): return String(v)
        case .float(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .identifier(let name): return name
        case .string(let segments):
            if segments.count == 1, case .text(let t) = segments[0] { return quoted(t) }
            if segments.isEmpty { return "\"\"" }
            return "(str " + segments.map { segment in
                switch segment {
                case .text(let t): return quoted(t)
                case .interpolation(let e): return e.dump
                }
            }.joined(separator: " ") + ")"
        case .array(let elements):
            return "[" + elements.map(\.dump).joined(separator: " ") + "]"
        case .unary(let op, let operand):
            return "(\(op.rawValue) \(operand.dump))"
        case .binary(let op, let lhs, let rhs, _):
            return "(\(op.rawValue) \(lhs.dump) \(rhs.dump))"
        case .range(let lower, let upper, let closed):
            return "(\(closed ? "..." : "..<") \(lower?.dump ?? "_") \(upper?.dump ?? "_"))"
        case .call(let callee, let arguments):
            let args = arguments.map { ($0.label.map { "\($0): " } ?? "") + $0.value.dump }
            return "(call \(callee.dump)" + args.map { " " + $0 }.joined() + ")"
        case .member(let base, let name, _):
            return "(. \(base.dump) \(name))"
        case .subscript(let base, let index):
            return "(sub \(base.dump) \(index.dump))"
        }
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Stmt {
    /// The statement as an S-expression: `(let x 1)`, `(if c {…} else {…})`.
    public var dump: String {
        switch kind {
        case .declaration(let isVariable, let name, _, let type, let value):
            return "(\(isVariable ? "var" : "let") \(name)\(type.map { ": " + $0.spelling } ?? "") \(value.dump))"
        case .assignment(let target, let compound, let value):
            return "(\(compound.map { $0.rawValue } ?? "")= \(target.dump) \(value.dump))"
        case .expression(let e):
            return e.dump
        case .ifElse(let condition, let then, let elseBranch):
            var text = "(if \(condition.dump) \(Stmt.block(then))"
            if let elseBranch { text += " else \(Stmt.block(elseBranch))" }
            return text + ")"
        case .forIn(let name, _, let sequence, let body):
            return "(for \(name) \(sequence.dump) \(Stmt.block(body)))"
        case .whileLoop(let condition, let body):
            return "(while \(condition.dump) \(Stmt.block(body)))"
        case .breakLoop: return "(break)"
        case .continueLoop: return "(continue)"
        }
    }

    static func block(_ statements: [Stmt]) -> String {
        "{" + statements.map(\.dump).joined(separator: " ") + "}"
    }
}

extension Program {
    /// The statements' dumps, one per line.
    public var dump: String { statements.map(\.dump).joined(separator: "\n") }
}

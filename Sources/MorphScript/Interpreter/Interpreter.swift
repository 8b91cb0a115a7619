/// A variable: its value and whether `var` allows changing it.
struct Binding {
    var value: Value
    var isVariable: Bool
}

/// Runs statements against a session's variables for one execution.
///
/// Top-level statements are transactions: every global a statement changes is journaled
/// first, and a failing statement restores them, so it binds nothing.
final class Interpreter {
    private let session: Session
    private let execution: ExecutionContext
    /// Block scopes, innermost last; empty at top level.
    private var scopes: [[String: Binding]] = []
    /// Old bindings of globals changed by the current top-level statement (nil: was unbound).
    private var journal: [String: Binding?] = [:]
    /// Evaluation steps left in this run (`Int.max` when the context sets no limit).
    private var stepsLeft: Int

    /// What a statement asks its enclosing loop to do.
    enum Flow { case normal, breakLoop, continueLoop }

    init(session: Session, execution: ExecutionContext) {
        self.session = session
        self.execution = execution
        stepsLeft = execution.stepLimit.map { max(0, $0) } ?? .max
    }

    private var registry: Registry { session.registry }

    // MARK: Top level

    /// Runs one top-level statement; on failure restores every global it changed.
    func runTopLevel(_ statement: Stmt) throws(ScriptError) -> Value? {
        journal.removeAll(keepingCapacity: true)
        scopes.removeAll()
        do throws(ScriptError) {
            try checkCancellation(at: statement.start)
            if case .expression(let expr) = statement.kind {
                let value = try eval(expr)
                // An interrupt that arrived while the statement ran ends the cell, even when the
                // statement finished before it next checked.
                try checkCancellation(at: statement.start)
                return value
            }
            let flow = try exec(statement)
            if flow != .normal {
                throw ScriptError("SyntaxError", "'break' and 'continue' are only allowed inside a loop", at: statement.start)
            }
            try checkCancellation(at: statement.start)
            return nil
        } catch {
            for (name, old) in journal {
                session.globals[name] = old
            }
            journal.removeAll()
            throw error
        }
    }

    func checkCancellation(at position: SourcePosition) throws(ScriptError) {
        if execution.cancellation.isCancelled { throw ScriptError.interrupted().placed(at: position) }
    }

    /// Counts one evaluation step against the run's budget.
    private func step(at position: SourcePosition) throws(ScriptError) {
        guard stepsLeft > 0 else {
            throw ScriptError("StepLimit", "the cell took more than \(execution.stepLimit ?? 0) steps", at: position)
        }
        stepsLeft -= 1
    }

    // MARK: Variables

    private func lookup(_ name: String) -> Binding? {
        for i in scopes.indices.reversed() where !scopes[i].isEmpty {
            if let binding = scopes[i][name] { return binding }
        }
        return session.globals[name]
    }

    private func declare(_ name: String, _ binding: Binding) {
        if scopes.isEmpty {
            setGlobal(name, binding)
        } else {
            scopes[scopes.count - 1][name] = binding
        }
    }

    private func setGlobal(_ name: String, _ binding: Binding?) {
        if journal.index(forKey: name) == nil { journal[name] = .some(session.globals[name]) }
        session.globals[name] = binding
    }


    private func nameError(_ name: String, at position: SourcePosition, called: Bool = false) -> ScriptError {
        var candidates = Set(session.globals.keys)
        for scope in scopes { candidates.formUnion(scope.keys) }
        candidates.formUnion(registry.functions.keys)
        let suggestion = closestMatch(to: name, in: candidates)
        if called {
            return ScriptError("NameError", "there is no function named '\(name)'; help() lists the builtins", at: position, suggestion: suggestion)
        }
        return ScriptError("NameError", "'\(name)' is not defined; declare it first with let \(name) = …", at: position, suggestion: suggestion)
    }

    // MARK: Statements

    private func exec(_ statements: [Stmt]) throws(ScriptError) -> Flow {
        scopes.append([:])
        defer { scopes.removeLast() }
        for statement in statements {
            let flow = try exec(statement)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func exec(_ statement: Stmt) throws(ScriptError) -> Flow {
        try step(at: statement.start)
        switch statement.kind {
        case .declaration(let isVariable, let name, _, let annotation, let valueExpr):
            var value = try eval(valueExpr)
            if value.isNone, case .call = valueExpr.kind {
                throw ScriptError("TypeError", "this call returns nothing, so there is no value to bind to '\(name)'", at: valueExpr.start)
            }
            if let annotation {
                value = try TypeAnnotations.conform(value, to: annotation, name: name, registry: registry, valueStart: valueExpr.start)
            }
            declare(name, Binding(value: value, isVariable: isVariable))
            return .normal
        case .assignment(let target, let compound, let valueExpr):
            let value = try eval(valueExpr)
            if let compound {
                try update(target) { (slot: inout Value) throws(ScriptError) in
                    slot = try Operators.apply(compound, slot, value, at: valueExpr.start)
                }
            } else {
                try update(target) { (slot: inout Value) throws(ScriptError) in slot = value }
            }
            return .normal
        case .expression(let expr):
            _ = try eval(expr)
            return .normal
        case .ifElse(let condition, let then, let elseBranch):
            if try self.condition(condition, "if") {
                return try exec(then)
            } else if let elseBranch {
                return try exec(elseBranch)
            }
            return .normal
        case .forIn(let name, _, let sequenceExpr, let body):
            let sequence = try eval(sequenceExpr)
            // One scope holds the loop variable; the body gets a fresh scope each iteration.
            scopes.append([name: Binding(value: .none, isVariable: false)])
            defer { scopes.removeLast() }
            let loopScope = scopes.count - 1
            let iterate: (Value) throws(ScriptError) -> Bool = { (element: Value) throws(ScriptError) -> Bool in
                try self.checkCancellation(at: statement.start)
                try self.step(at: statement.start)
                self.scopes[loopScope][name]?.value = element
                return try self.exec(body) != .breakLoop
            }
            switch sequence {
            case .array(let elements):
                for element in elements where try !iterate(element) { break }
            case .range(let range):
                guard let bounds = range.fullBounds else {
                    throw ScriptError("ValueError", "cannot loop over \(sequence.repr): a loop needs both bounds (and lower ≤ upper)", at: sequenceExpr.start)
                }
                for i in bounds where try !iterate(.int(i)) { break }
            case .string(let s):
                for c in s where try !iterate(.string(String(c))) { break }
            case .host(let object):
                guard let elements = object.elements() else {
                    throw ScriptError("TypeError", "cannot loop over a \(object.typeName)", at: sequenceExpr.start)
                }
                for element in elements where try !iterate(element) { break }
            default:
                throw ScriptError("TypeError", "cannot loop over a \(sequence.typeName); loop over an array, a range (0..<n) or a string", at: sequenceExpr.start)
            }
            return .normal
        case .whileLoop(let condition, let body):
            while try self.condition(condition, "while") {
                try checkCancellation(at: statement.start)
                if try exec(body) == .breakLoop { break }
            }
            return .normal
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
    }

    private func condition(_ expr: Expr, _ keyword: String) throws(ScriptError) -> Bool {
        let value = try eval(expr)
        guard case .bool(let b) = value else {
            throw ScriptError("TypeError", "the condition of '\(keyword)' must be a Bool, got \(value.typeName); compare it, e.g. x != 0", at: expr.start)
        }
        return b
    }

    /// Changes the storage `target` names (a variable, an element, nested elements) in place.
    private func update(_ target: Expr, _ change: (inout Value) throws(ScriptError) -> Void) throws(ScriptError) {
        switch target.kind {
        case .identifier(let name):
            // The value is moved out while it changes, so arrays stay uniquely referenced
            // (appending in a loop is not quadratic), then stored back by name.
            for i in scopes.indices.reversed() where !scopes[i].isEmpty {
                guard let index = scopes[i].index(forKey: name) else { continue }
                guard scopes[i].values[index].isVariable else { throw letError(name, at: target.start) }
                var value = scopes[i].values[index].value
                scopes[i].values[index].value = .none
                defer { scopes[i][name]?.value = value }
                try change(&value)
                return
            }
            guard let index = session.globals.index(forKey: name) else { throw nameError(name, at: target.start) }
            let binding = session.globals.values[index]
            guard binding.isVariable else { throw letError(name, at: target.start) }
            if journal.index(forKey: name) == nil { journal[name] = .some(binding) }
            var value = binding.value
            session.globals.values[index].value = .none
            defer { session.globals[name]?.value = value }
            try change(&value)
        case .subscript(let base, let indexExpr):
            let index = try eval(indexExpr)
            try update(base) { (container: inout Value) throws(ScriptError) in
                try Subscripts.modify(&container, at: index, position: indexExpr.start, cancellation: self.execution.cancellation, change)
            }
        case .member(let base, let name, let nameStart):
            let value = try eval(base)
            throw ScriptError("TypeError", "cannot assign to '\(name)' of a \(value.typeName); its members are read-only", at: nameStart)
        default:
            throw ScriptError("SyntaxError", "cannot assign to this expression", at: target.start)
        }
    }

    private func letError(_ name: String, at position: SourcePosition) -> ScriptError {
        ScriptError("TypeError", "cannot change '\(name)': it was declared with 'let'; declare it with 'var' to change it", at: position)
    }

    private func isAssignable(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .identifier(let name): return lookup(name)?.isVariable ?? false
        case .subscript(let base, _): return isAssignable(base)
        default: return false
        }
    }

    // MARK: Expressions

    /// Evaluates an expression. Each kind is evaluated in its own small function so that
    /// the recursion's stack frames stay small (deep expressions run on small stacks).
    func eval(_ expr: Expr) throws(ScriptError) -> Value {
        try step(at: expr.start)
        switch expr.kind {
        case .integer(let i): return .int(i)
        case .float(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .identifier: return try evalIdentifier(expr)
        case .string: return try evalString(expr)
        case .array: return try evalArray(expr)
        case .unary: return try evalUnary(expr)
        case .binary: return try evalBinary(expr)
        case .range: return try evalRange(expr)
        case .call: return try evalCall(expr)
        case .member: return try evalMember(expr)
        case .subscript: return try evalSubscript(expr)
        }
    }

    private func evalIdentifier(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .identifier(let name) = expr.kind else { return .none }
        if let binding = lookup(name) { return binding.value }
        if registry.functions[name] != nil { return .function(name) }
        throw nameError(name, at: expr.start)
    }

    private func evalString(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .string(let segments) = expr.kind else { return .none }
        var text = ""
        for segment in segments {
            switch segment {
            case .text(let t): text += t
            case .interpolation(let inner):
                text += try eval(inner).text
                // The cap `+` has: a doubling loop fails with an error instead of exhausting memory
                // (a literal in the cell's source is already in memory and is not capped).
                guard text.utf8.count <= Operators.maximumLength else {
                    throw ScriptError("ValueError", "the interpolated string would exceed \(Operators.maximumLength) bytes", at: expr.start)
                }
            }
        }
        return .string(text)
    }

    private func evalArray(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .array(let elements) = expr.kind else { return .none }
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        var nested = false
        for element in elements {
            let value = try eval(element)
            if case .array = value { nested = true }
            values.append(value)
        }
        let array = Value.array(values)
        if nested {
            do { try array.checkNesting(cancellation: execution.cancellation) } catch { throw error.placed(at: expr.start) }
        }
        return array
    }

    private func evalUnary(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .unary(let op, let operand) = expr.kind else { return .none }
        return try Operators.apply(op, try eval(operand), at: expr.start)
    }

    private func evalBinary(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .binary(let op, let lhsExpr, let rhsExpr, let operatorStart) = expr.kind else { return .none }
        if case .binary = lhsExpr.kind {
            return try evalChain(expr)
        }
        let lhs = try eval(lhsExpr)
        if op == .and || op == .or {
            return try evalLogical(op, lhs, lhsExpr, rhsExpr)
        }
        let rhs = try eval(rhsExpr)
        return try Operators.apply(op, lhs, rhs, at: operatorStart, cancellation: execution.cancellation)
    }

    /// A left-nested chain (`a + b + c + …`) evaluated along its spine without recursion.
    private func evalChain(_ expr: Expr) throws(ScriptError) -> Value {
        var spine: [Expr] = []
        var leftmost = expr
        while case .binary(_, let lhs, _, _) = leftmost.kind {
            spine.append(leftmost)
            leftmost = lhs
        }
        var value = try eval(leftmost)
        for node in spine.reversed() {
            try step(at: node.start)
            guard case .binary(let op, let lhsExpr, let rhsExpr, let operatorStart) = node.kind else { continue }
            if op == .and || op == .or {
                value = try evalLogical(op, value, lhsExpr, rhsExpr)
            } else {
                value = try Operators.apply(op, value, try eval(rhsExpr), at: operatorStart, cancellation: execution.cancellation)
            }
        }
        return value
    }

    private func evalLogical(_ op: BinaryOperator, _ lhs: Value, _ lhsExpr: Expr, _ rhsExpr: Expr) throws(ScriptError) -> Value {
        guard case .bool(let a) = lhs else {
            throw ScriptError("TypeError", "'\(op.rawValue)' needs Bool operands, got \(lhs.typeName)", at: lhsExpr.start)
        }
        if op == .and && !a { return .bool(false) }
        if op == .or && a { return .bool(true) }
        let rhs = try eval(rhsExpr)
        guard case .bool(let b) = rhs else {
            throw ScriptError("TypeError", "'\(op.rawValue)' needs Bool operands, got \(rhs.typeName)", at: rhsExpr.start)
        }
        return .bool(b)
    }

    private func evalRange(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .range(let lowerExpr, let upperExpr, let closed) = expr.kind else { return .none }
        let lower = try lowerExpr.map { (e: Expr) throws(ScriptError) -> Int in try rangeBound(e) }
        let upper = try upperExpr.map { (e: Expr) throws(ScriptError) -> Int in try rangeBound(e) }
        if let lower, let upper, lower > upper {
            throw ScriptError("ValueError", "invalid range \(lower)\(closed ? "..." : "..<")\(upper): the lower bound must not exceed the upper bound", at: expr.start)
        }
        return .range(RangeValue(lower: lower, upper: upper, closed: closed))
    }

    private func evalMember(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .member(let baseExpr, let name, let nameStart) = expr.kind else { return .none }
        let base = try eval(baseExpr)
        guard let overloads = registry.member(name, of: base.memberTypeNames), let first = overloads.first else {
            throw memberError(name, of: base, at: nameStart)
        }
        guard first.kind == .property else {
            throw ScriptError("TypeError", "'\(name)' is a method of \(base.typeName); call it: \(name)(…)", at: nameStart)
        }
        var invocation = Invocation(receiver: base, arguments: Arguments(), context: callContext(at: nameStart))
        return try run(first, &invocation, at: nameStart)
    }

    private func evalSubscript(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .subscript(let baseExpr, let indexExpr) = expr.kind else { return .none }
        let base = try eval(baseExpr)
        let index = try eval(indexExpr)
        return try Subscripts.get(base, at: index, position: indexExpr.start)
    }

    private func rangeBound(_ expr: Expr) throws(ScriptError) -> Int {
        let value = try eval(expr)
        switch value {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e18: return Int(d)
        default:
            throw ScriptError("TypeError", "range bounds must be Int, got \(value.typeName)", at: expr.start)
        }
    }

    private func memberError(_ name: String, of base: Value, at position: SourcePosition) -> ScriptError {
        let names = registry.allMembers(of: base.memberTypeNames).map(\.0)
        let suggestion = closestMatch(to: name, in: names)
        let known = names.isEmpty ? "it has no members" : "its members are " + names.prefix(12).joined(separator: ", ")
        return ScriptError("AttributeError", "\(base.typeName) has no member '\(name)'; \(known)", at: position, suggestion: suggestion)
    }

    private func callContext(at position: SourcePosition) -> CallContext {
        CallContext(execution: execution, session: session, position: position)
    }

    private func run(_ builtin: Builtin, _ invocation: inout Invocation, at position: SourcePosition) throws(ScriptError) -> Value {
        do {
            return try builtin.body(&invocation)
        } catch {
            throw ScriptError.converting(error).placed(at: position)
        }
    }

    private func evalCall(_ expr: Expr) throws(ScriptError) -> Value {
        guard case .call(let callee, let arguments) = expr.kind else { return .none }
        if case .member = callee.kind { return try evalMethodCall(callee, arguments) }
        return try evalFunctionCall(callee, arguments)
    }

    private func evaluateArguments(_ arguments: [Argument]) throws(ScriptError) -> [EvaluatedArgument] {
        var evaluated: [EvaluatedArgument] = []
        evaluated.reserveCapacity(arguments.count)
        for argument in arguments {
            evaluated.append(EvaluatedArgument(label: argument.label, value: try eval(argument.value), position: argument.start))
        }
        return evaluated
    }

    private func evalMethodCall(_ callee: Expr, _ arguments: [Argument]) throws(ScriptError) -> Value {
        guard case .member(let baseExpr, let name, let nameStart) = callee.kind else { return .none }
        let base = try eval(baseExpr)
        guard let overloads = registry.member(name, of: base.memberTypeNames), let first = overloads.first else {
            throw memberError(name, of: base, at: nameStart)
        }
        if first.kind == .property {
            throw ScriptError("TypeError", "'\(name)' is a property of \(base.typeName), not a method; write it without parentheses", at: nameStart)
        }
        let evaluated = try evaluateArguments(arguments)
        let (builtin, bound) = try ArgumentBinder.bind(overloads, evaluated, callName: "\(base.typeName).\(name)", at: nameStart)
        let context = callContext(at: nameStart)
        if builtin.isMutating && isAssignable(baseExpr) {
            var result: Value = .none
            try update(baseExpr) { (receiver: inout Value) throws(ScriptError) in
                var invocation = Invocation(receiver: receiver, arguments: bound, context: context)
                receiver = .none
                defer { receiver = invocation.receiver }
                result = try self.run(builtin, &invocation, at: nameStart)
            }
            return result
        }
        if builtin.isMutating, case .identifier(let variable) = baseExpr.kind {
            throw ScriptError("TypeError", "cannot call mutating method '\(name)' on '\(variable)': it was declared with 'let'; declare it with 'var'", at: nameStart)
        }
        var invocation = Invocation(receiver: base, arguments: bound, context: context)
        return try run(builtin, &invocation, at: nameStart)
    }

    private func evalFunctionCall(_ callee: Expr, _ arguments: [Argument]) throws(ScriptError) -> Value {
        if case .identifier(let name) = callee.kind, lookup(name) == nil, registry.functions[name] == nil {
            throw nameError(name, at: callee.start, called: true)
        }
        var function = try eval(callee)
        // A variable named like a builtin (a parameter `dataset = "mnist"`) does not hide the
        // builtin from calls: `dataset(dataset)` calls the builtin with the variable.
        if case .identifier(let name) = callee.kind, registry.functions[name] != nil, !function.isFunction {
            function = .function(name)
        }
        guard case .function(let name) = function, let overloads = registry.functions[name] else {
            throw ScriptError("TypeError", "a \(function.typeName) is not a function and cannot be called", at: callee.start)
        }
        let evaluated = try evaluateArguments(arguments)
        let (builtin, bound) = try ArgumentBinder.bind(overloads, evaluated, callName: name, at: callee.start)
        var invocation = Invocation(receiver: .none, arguments: bound, context: callContext(at: callee.start))
        return try run(builtin, &invocation, at: callee.start)
    }
}

/// What the language knows statically about an expression: the type names whose members
/// apply, and for arrays the element's.
struct StaticType {
    var names: [String]
    var elementNames: [String]?

    init(names: [String], elementNames: [String]? = nil) {
        self.names = names
        self.elementNames = elementNames
    }

    init(of value: Value) {
        names = value.memberTypeNames
        if case .array(let elements) = value, let first = elements.first { elementNames = first.memberTypeNames }
    }

    init?(of spec: TypeSpec) {
        if spec.name.hasPrefix("[") {
            names = ["Array"]
            elementNames = spec.elementName.map { [$0] }
        } else if spec.name == "Any" || spec.name == "Void" {
            return nil
        } else {
            names = [spec.name]
        }
    }
}

/// Token-level questions about the code around a cursor, for completion and inspection.
struct CursorAnalysis {
    let session: Session
    /// The tokens, without the final `.endOfInput`.
    let tokens: [Token]

    init(session: Session, code: String) {
        self.session = session
        var tokens = Lexer.tokenize(code).tokens
        tokens.removeLast()
        self.tokens = tokens
    }

    init(session: Session, tokens: [Token]) {
        self.session = session
        self.tokens = tokens
    }

    private var registry: Registry { session.registry }

    /// The static type of the expression whose last token is at `index`.
    func type(endingAt index: Int, depth: Int = 0) -> StaticType? {
        guard index >= 0, index < tokens.count, depth < 32 else { return nil }
        switch tokens[index].kind {
        case .identifier(let name):
            if index >= 2, tokens[index - 1].kind == .dot {
                guard let base = type(endingAt: index - 2, depth: depth + 1),
                      let member = registry.member(name, of: base.names)?.first else { return nil }
                return StaticType(of: member.returns)
            }
            if let value = session.value(of: name) { return StaticType(of: value) }
            if registry.functions[name] != nil { return StaticType(names: ["Function"]) }
            return nil
        case .rightParen:
            guard let open = matchingOpen(before: index, open: .leftParen, close: .rightParen), open >= 1 else { return nil }
            guard let overloads = callee(ofCallOpenedAt: open) else { return nil }
            return overloads.first.flatMap { StaticType(of: $0.returns) }
        case .rightBracket:
            guard let open = matchingOpen(before: index, open: .leftBracket, close: .rightBracket) else { return nil }
            if open == 0 || !endsOperand(tokens[open - 1].kind) { return StaticType(names: ["Array"]) }
            guard let base = type(endingAt: open - 1, depth: depth + 1) else { return nil }
            let isSlice = tokens[(open + 1)..<index].contains { $0.kind == .halfOpenRange || $0.kind == .closedRange }
            if isSlice { return base }
            return base.elementNames.map { StaticType(names: $0) }
        case .stringEnd: return StaticType(names: ["String"])
        case .integer: return StaticType(names: ["Int"])
        case .float: return StaticType(names: ["Double"])
        case .keyword(.true), .keyword(.false): return StaticType(names: ["Bool"])
        default: return nil
        }
    }

    private func endsOperand(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .identifier, .rightParen, .rightBracket, .stringEnd: return true
        default: return false
        }
    }

    /// The index of the bracket that the close at `index` matches.
    func matchingOpen(before index: Int, open: Token.Kind, close: Token.Kind) -> Int? {
        var depth = 0
        var i = index
        while i >= 0 {
            if tokens[i].kind == close { depth += 1 }
            if tokens[i].kind == open {
                depth -= 1
                if depth == 0 { return i }
            }
            i -= 1
        }
        return nil
    }

    /// The overloads of the function or method called by the `(` at `open`.
    func callee(ofCallOpenedAt open: Int) -> [Builtin]? {
        guard open >= 1, case .identifier(let name) = tokens[open - 1].kind else { return nil }
        if open >= 3, tokens[open - 2].kind == .dot {
            guard let base = type(endingAt: open - 3) else { return nil }
            return registry.member(name, of: base.names)
        }
        if let value = session.value(of: name) {
            if case .function(let function) = value { return registry.functions[function] }
            return nil
        }
        return registry.functions[name]
    }

    /// The builtin named by the first argument of the call opened at `open`, when that call
    /// forwards its further arguments to it (`interact(interpolate, …)` → interpolate's overloads).
    func forwardedCallee(ofCallOpenedAt open: Int) -> [Builtin]? {
        guard let overloads = callee(ofCallOpenedAt: open),
              overloads.contains(where: { $0.parameters.contains(where: \.isForwarding) }),
              open + 2 < tokens.count, case .identifier(let name) = tokens[open + 1].kind, tokens[open + 2].kind == .comma
        else { return nil }
        if let value = session.value(of: name) {
            if case .function(let function) = value { return registry.functions[function] }
            return nil
        }
        return registry.functions[name]
    }

    /// The innermost `(` of a call still open before token `index`.
    func enclosingCallOpen(before index: Int) -> Int? {
        var stack: [Int] = []
        for i in 0..<min(index, tokens.count) {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace, .interpolationStart: stack.append(i)
            case .rightParen, .rightBracket, .rightBrace, .interpolationEnd: if !stack.isEmpty { stack.removeLast() }
            default: break
            }
        }
        guard let top = stack.last, tokens[top].kind == .leftParen else { return nil }
        return top
    }

    /// Labels already written in the call opened at `open`, before token `index`.
    func labelsUsed(inCallOpenedAt open: Int, before index: Int) -> Set<String> {
        var used = Set<String>()
        var depth = 0
        var i = open + 1
        while i < min(index, tokens.count) {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace, .interpolationStart: depth += 1
            case .rightParen, .rightBracket, .rightBrace, .interpolationEnd: depth -= 1
            case .identifier(let name) where depth == 0 && i + 1 < tokens.count && tokens[i + 1].kind == .colon:
                used.insert(name)
            case .keyword(let k) where depth == 0 && i + 1 < tokens.count && tokens[i + 1].kind == .colon:
                used.insert(k.rawValue)
            default: break
            }
            i += 1
        }
        return used
    }
}

/// Converts a cursor in code points to a clamped scalar offset (they are the same unit).
func clampedCursor(_ cursor: Int, in code: String) -> Int {
    max(0, min(cursor, code.unicodeScalars.count))
}

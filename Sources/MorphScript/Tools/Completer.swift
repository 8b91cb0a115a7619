/// Completion at a cursor: members after `.`, argument labels inside a call, then
/// variables, functions and keywords by prefix.
struct Completer {
    let session: Session

    func complete(_ code: String, cursor rawCursor: Int) -> CompletionResult {
        let cursor = clampedCursor(rawCursor, in: code)
        let prefix = String(String.UnicodeScalarView(code.unicodeScalars.prefix(cursor)))
        let lexed = Lexer.tokenize(prefix)
        var tokens = lexed.tokens
        tokens.removeLast()
        let empty = CompletionResult(matches: [], cursorStart: cursor, cursorEnd: cursor)
        if lexed.endsInsideComment || lexed.endsInsideLineComment { return empty }
        if let last = tokens.last {
            switch last.kind {
            case .stringStart, .stringText: return empty
            case .invalid(let message) where message.hasPrefix("unterminated string"): return empty
            default: break
            }
        }
        // The word being typed, if the cursor is right after an identifier or keyword.
        var word = ""
        var wordIndex = tokens.count
        if let last = tokens.last, last.end.offset == cursor {
            switch last.kind {
            case .identifier(let name): word = name; wordIndex = tokens.count - 1
            case .keyword(let k): word = k.rawValue; wordIndex = tokens.count - 1
            default: break
            }
        }
        let start = cursor - word.unicodeScalars.count
        let analysis = CursorAnalysis(session: session, tokens: tokens)
        let registry = session.registry
        var matches: [CompletionResult.Match] = []
        var seen = Set<String>()
        func add(_ text: String, _ type: String, _ signature: String) {
            guard !seen.contains(text) else { return }
            seen.insert(text)
            matches.append(CompletionResult.Match(text: text, type: type, signature: signature))
        }
        func fits(_ name: String) -> Bool { word.isEmpty || name.hasPrefix(word) }

        // Members after a dot.
        if wordIndex >= 1, tokens[wordIndex - 1].kind == .dot {
            guard wordIndex >= 2, let base = analysis.type(endingAt: wordIndex - 2) else { return CompletionResult(matches: [], cursorStart: start, cursorEnd: cursor) }
            let members = registry.allMembers(of: base.names)
            for (name, builtin) in members where fits(name) {
                add(name, builtin.kind == .property ? "property" : "function", builtin.signature)
            }
            if matches.isEmpty && !word.isEmpty {
                for (name, builtin) in members where name.lowercased().hasPrefix(word.lowercased()) {
                    add(name, builtin.kind == .property ? "property" : "function", builtin.signature)
                }
            }
            return CompletionResult(matches: matches, cursorStart: start, cursorEnd: cursor)
        }
        // Type names after `let name:` (or `let name: [`).
        var colon = wordIndex - 1
        if colon >= 0, tokens[colon].kind == .leftBracket { colon -= 1 }
        if colon >= 2, tokens[colon].kind == .colon,
           tokens[colon - 2].kind == .keyword(.let) || tokens[colon - 2].kind == .keyword(.var) {
            let names = Set(TypeAnnotations.builtinNames).union(registry.types.keys).sorted()
            for name in names where fits(name) {
                add(name, "class", registry.types[name]?.summary ?? Documentation.builtinTypeSummaries[name] ?? "")
            }
            return CompletionResult(matches: matches, cursorStart: start, cursorEnd: cursor)
        }
        if wordIndex >= 1, case .integer = tokens[wordIndex - 1].kind, word.isEmpty {
            return empty
        }

        // Argument labels at the start of an argument.
        if wordIndex >= 1, let open = analysis.enclosingCallOpen(before: wordIndex),
           tokens[wordIndex - 1].kind == .leftParen || tokens[wordIndex - 1].kind == .comma,
           let overloads = analysis.callee(ofCallOpenedAt: open) {
            let used = analysis.labelsUsed(inCallOpenedAt: open, before: wordIndex)
            for builtin in overloads + (analysis.forwardedCallee(ofCallOpenedAt: open) ?? []) {
                for parameter in builtin.parameters {
                    guard let label = parameter.label, !used.contains(label), fits(label) else { continue }
                    add(label + ":", "parameter", parameter.signature)
                }
            }
        }

        // Names declared earlier in this cell (not run yet).
        var pending: [String] = []
        for (i, token) in tokens.enumerated() where i + 1 < wordIndex {
            switch token.kind {
            case .keyword(.let), .keyword(.var), .keyword(.for):
                if case .identifier(let name) = tokens[i + 1].kind { pending.append(name) }
            default: break
            }
        }

        for name in session.variableNames where fits(name) {
            if let value = session.value(of: name) { add(name, "variable", value.typeName) }
        }
        for name in pending.sorted() where fits(name) { add(name, "variable", "") }
        for name in registry.sortedFunctionNames where fits(name) {
            add(name, "function", registry.functions[name]?.first?.signature ?? "")
        }
        if !word.isEmpty {
            for keyword in Keyword.allCases where keyword.rawValue.hasPrefix(word) {
                add(keyword.rawValue, "keyword", "")
            }
            if matches.isEmpty {
                let lower = word.lowercased()
                for name in session.variableNames where name.lowercased().hasPrefix(lower) {
                    add(name, "variable", session.value(of: name)?.typeName ?? "")
                }
                for name in registry.sortedFunctionNames where name.lowercased().hasPrefix(lower) {
                    add(name, "function", registry.functions[name]?.first?.signature ?? "")
                }
            }
        }
        return CompletionResult(matches: matches, cursorStart: start, cursorEnd: cursor)
    }
}

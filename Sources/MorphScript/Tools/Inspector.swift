import MorphRender

/// Inspection at a cursor (Shift-Tab): a builtin's signature and doc, a member's, or a
/// variable's type and summary; inside a call's parentheses, the called function's.
struct Inspector {
    let session: Session

    func inspect(_ code: String, cursor rawCursor: Int, detailLevel: Int) -> MimeBundle? {
        let cursor = clampedCursor(rawCursor, in: code)
        let analysis = CursorAnalysis(session: session, code: code)
        let tokens = analysis.tokens
        let registry = session.registry
        // The name under the cursor (or ending at it).
        var nameIndex: Int?
        for (i, token) in tokens.enumerated() where token.start.offset <= cursor && cursor <= token.end.offset {
            if case .identifier = token.kind { nameIndex = i }
        }
        if let i = nameIndex, case .identifier(let name) = tokens[i].kind {
            if i >= 2, tokens[i - 1].kind == .dot {
                if let base = analysis.type(endingAt: i - 2), let overloads = registry.member(name, of: base.names) {
                    return Documentation.builtin(overloads, detailed: true)
                }
            } else if i + 1 < tokens.count, tokens[i + 1].kind == .colon,
                      let open = analysis.enclosingCallOpen(before: i), let overloads = analysis.callee(ofCallOpenedAt: open) {
                return Documentation.builtin(overloads, detailed: true)
            } else if let value = session.value(of: name) {
                return Documentation.variable(name, value: value, registry: registry, detailed: detailLevel > 0)
            } else if let overloads = registry.functions[name] {
                return Documentation.builtin(overloads, detailed: true)
            } else if registry.types[name] != nil || Documentation.builtinTypeSummaries[name] != nil {
                return Documentation.type(name, typeNames: [name], registry: registry)
            }
        }
        // Inside a call's parentheses: the callee.
        let before = tokens.firstIndex { $0.start.offset >= cursor } ?? tokens.count
        if let open = analysis.enclosingCallOpen(before: before), let overloads = analysis.callee(ofCallOpenedAt: open) {
            return Documentation.builtin(overloads, detailed: true)
        }
        return nil
    }
}

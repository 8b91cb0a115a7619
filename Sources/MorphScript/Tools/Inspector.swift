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
        if let token = tokens.last(where: { $0.start.offset <= cursor && cursor <= $0.end.offset }),
           case .keyword(let keyword) = token.kind, let doc = Inspector.keywordDocs[keyword] {
            return Documentation.bundle(plain: doc.syntax + "\n\n" + doc.meaning,
                                        markdown: "```swift\n" + doc.syntax + "\n```\n\n" + doc.meaning)
        }
        // Inside a call's parentheses: the callee.
        let before = tokens.firstIndex { $0.start.offset >= cursor } ?? tokens.count
        if let open = analysis.enclosingCallOpen(before: before), let overloads = analysis.callee(ofCallOpenedAt: open) {
            return Documentation.builtin(overloads, detailed: true)
        }
        return nil
    }

    /// Syntax and meaning of each keyword.
    static let keywordDocs: [Keyword: (syntax: String, meaning: String)] = [
        .let: ("let name = value", "Binds a name that cannot be changed; declaring it again in a later cell shadows it."),
        .var: ("var name = value", "Binds a name that can be changed with =, +=, … and mutating methods such as append."),
        .if: ("if condition { … } else if other { … } else { … }", "Runs the first block whose condition (a Bool) is true."),
        .else: ("if condition { … } else { … }", "The block run when the if's condition is false."),
        .for: ("for name in sequence { … }", "Runs the block once per element of an array, a range (0..<n) or a string; stops on interrupt."),
        .in: ("for name in sequence { … }", "Separates the loop variable from the sequence it runs over."),
        .while: ("while condition { … }", "Runs the block as long as the condition (a Bool) is true; stops on interrupt."),
        .break: ("break", "Leaves the innermost loop."),
        .continue: ("continue", "Skips to the next iteration of the innermost loop."),
        .true: ("true", "The Bool value true."),
        .false: ("false", "The Bool value false."),
    ]
}

/// Decides whether a cell is complete, needs more lines, or can never be valid (is_complete).
enum CompletenessChecker {
    static func check(_ code: String) -> Completeness {
        let lexed = Lexer.tokenize(code)
        let indent = String(repeating: " ", count: 4 * openDepth(lexed.tokens))
        if lexed.endsInsideComment || lexed.endsInsideString { return .incomplete(indent: indent) }
        var parser = Parser(tokens: lexed.tokens)
        do {
            _ = try parser.parseProgram()
            return .complete
        } catch {
            if error.isAtEndOfInput { return .incomplete(indent: indent) }
            return .invalid
        }
    }

    /// How many brackets are open at the end.
    private static func openDepth(_ tokens: [Token]) -> Int {
        var depth = 0
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth = max(0, depth - 1)
            default: break
            }
        }
        return depth
    }
}

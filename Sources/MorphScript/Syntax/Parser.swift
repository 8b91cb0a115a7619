/// Builds the syntax tree of a cell from its tokens, by recursive descent with bounded
/// recursion: nesting deeper than `maximumNesting` or trees taller than `maximumDepth`
/// are syntax errors, never a stack overflow.
public struct Parser {
    /// Deepest nesting of brackets, blocks and prefix operators accepted.
    public static let maximumNesting = 64
    /// Tallest expression tree accepted (long operator chains count too).
    public static let maximumDepth = 256

    private let tokens: [Token]
    private var index = 0
    private var nesting = 0

    /// A parser over tokens that end with `.endOfInput`.
    public init(tokens: [Token]) {
        self.tokens = tokens.isEmpty || tokens.last?.kind != .endOfInput
            ? tokens + [Token(.endOfInput, start: tokens.last?.end ?? .start, end: tokens.last?.end ?? .start)]
            : tokens
    }

    /// Parses a whole cell.
    public static func parse(_ source: String) throws(ParseError) -> Program {
        var parser = Parser(tokens: Lexer.tokenize(source).tokens)
        return try parser.parseProgram()
    }

    /// Parses a single expression (for user_expressions); anything after it is an error.
    public static func parseExpression(_ source: String) throws(ParseError) -> Expr {
        var parser = Parser(tokens: Lexer.tokenize(source).tokens)
        parser.skipNewlines()
        let expr = try parser.parseExpression()
        parser.skipNewlines()
        guard parser.current.kind == .endOfInput else { throw parser.unexpected("the end of the expression") }
        return expr
    }

    /// Parses statements up to the end of input.
    public mutating func parseProgram() throws(ParseError) -> Program {
        let statements = try parseStatements(inBlock: false)
        return Program(statements: statements)
    }

    // MARK: Token access

    private var current: Token { tokens[index] }

    private func peekKind(_ ahead: Int = 1) -> Token.Kind {
        let i = index + ahead
        return i < tokens.count ? tokens[i].kind : .endOfInput
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    private mutating func expect(_ kind: Token.Kind, _ what: String) throws(ParseError) -> Token {
        guard current.kind == kind else { throw unexpected(what) }
        let token = current
        advance()
        return token
    }

    /// An error at the current token saying what was expected instead.
    private func unexpected(_ expected: String) -> ParseError {
        let token = current
        if case .invalid(let message) = token.kind {
            return ParseError(message: message, position: token.start,
                              isAtEndOfInput: message.hasPrefix("unterminated") && !message.contains("end of the line"))
        }
        let found = token.kind.spelling
        return ParseError(message: "expected \(expected), found \(found)", position: token.start,
                          isAtEndOfInput: token.kind == .endOfInput)
    }

    private mutating func enter(_ at: Token) throws(ParseError) {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw ParseError(message: "code is nested too deeply (more than \(Parser.maximumNesting) levels); split it into several statements", position: at.start)
        }
    }

    private mutating func leave() { nesting -= 1 }

    private func node(_ kind: Expr.Kind, _ start: SourcePosition, _ end: SourcePosition, children: Expr?...) throws(ParseError) -> Expr {
        var depth = 0
        for child in children { if let child { depth = max(depth, child.depth) } }
        return try node(kind, start, end, childDepth: depth)
    }

    private func node(_ kind: Expr.Kind, _ start: SourcePosition, _ end: SourcePosition, childDepth: Int) throws(ParseError) -> Expr {
        let depth = childDepth + 1
        if depth > Parser.maximumDepth {
            throw ParseError(message: "expression is nested too deeply (more than \(Parser.maximumDepth) levels); split it into several statements", position: start)
        }
        return Expr(kind, start: start, end: end, depth: depth)
    }

    private var previousEnd: SourcePosition { index > 0 ? tokens[index - 1].end : current.start }

    // MARK: Statements

    private mutating func parseStatements(inBlock: Bool) throws(ParseError) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            while current.kind == .newline || current.kind == .semicolon { advance() }
            switch current.kind {
            case .endOfInput:
                if inBlock { throw unexpected("'}' to close the block") }
                return statements
            case .rightBrace:
                if inBlock { return statements }
                throw ParseError(message: "unbalanced '}': there is no '{' for it to close", position: current.start)
            case .rightParen:
                throw ParseError(message: "unbalanced ')': there is no '(' for it to close", position: current.start)
            case .rightBracket:
                throw ParseError(message: "unbalanced ']': there is no '[' for it to close", position: current.start)
            default:
                break
            }
            statements.append(try parseStatement())
            switch current.kind {
            case .newline, .semicolon, .endOfInput: break
            case .rightBrace where inBlock: break
            default:
                throw unexpected("a new line or ';' after the statement")
            }
        }
    }

    private mutating func parseBlock() throws(ParseError) -> [Stmt] {
        let open = current
        _ = try expect(.leftBrace, "'{' to start the block")
        try enter(open)
        defer { leave() }
        let body = try parseStatements(inBlock: true)
        _ = try expect(.rightBrace, "'}' to close the block")
        return body
    }

    private mutating func parseStatement() throws(ParseError) -> Stmt {
        let start = current.start
        switch current.kind {
        case .keyword(.let), .keyword(.var):
            let isVariable = current.kind == .keyword(.var)
            let keyword = isVariable ? "var" : "let"
            advance()
            guard case .identifier(let name) = current.kind else {
                throw unexpected("a name after '\(keyword)'")
            }
            let nameStart = current.start
            advance()
            var type: TypeAnnotation?
            if current.kind == .colon {
                advance()
                type = try parseTypeAnnotation()
            }
            guard current.kind == .equal else {
                throw unexpected("'=' and a value after '\(keyword) \(name)'")
            }
            advance()
            skipNewlines()
            let value = try parseExpression()
            return Stmt(.declaration(isVariable: isVariable, name: name, nameStart: nameStart, type: type, value: value), start: start, end: previousEnd)
        case .keyword(.if):
            return try parseIf()
        case .keyword(.for):
            advance()
            let name: String
            switch current.kind {
            case .identifier(let n): name = n
            default: throw unexpected("a loop variable name after 'for'")
            }
            let nameStart = current.start
            advance()
            _ = try expect(.keyword(.in), "'in' after 'for \(name)'")
            let sequence = try parseExpression()
            let body = try parseBlock()
            return Stmt(.forIn(name: name, nameStart: nameStart, sequence: sequence, body: body), start: start, end: previousEnd)
        case .keyword(.while):
            advance()
            let condition = try parseExpression()
            let body = try parseBlock()
            return Stmt(.whileLoop(condition: condition, body: body), start: start, end: previousEnd)
        case .keyword(.break):
            advance()
            return Stmt(.breakLoop, start: start, end: previousEnd)
        case .keyword(.continue):
            advance()
            return Stmt(.continueLoop, start: start, end: previousEnd)
        case .keyword(.else):
            throw ParseError(message: "'else' must follow the '}' of an 'if' block", position: start)
        case .keyword(.in):
            throw ParseError(message: "'in' is only used in 'for name in sequence { … }'", position: start)
        default:
            let expr = try parseExpression()
            let compound: BinaryOperator?
            switch current.kind {
            case .equal: compound = nil
            case .plusEqual: compound = .add
            case .minusEqual: compound = .subtract
            case .starEqual: compound = .multiply
            case .slashEqual: compound = .divide
            case .percentEqual: compound = .remainder
            default:
                return Stmt(.expression(expr), start: start, end: previousEnd)
            }
            switch expr.kind {
            case .identifier, .subscript, .member: break
            default:
                throw ParseError(message: "cannot assign to this expression; only names, subscripts (a[i]) and members can be assigned", position: expr.start)
            }
            advance()
            skipNewlines()
            let value = try parseExpression()
            return Stmt(.assignment(target: expr, compound: compound, value: value), start: start, end: previousEnd)
        }
    }

    /// `Name` or `[Name]` after `let x:`.
    private mutating func parseTypeAnnotation() throws(ParseError) -> TypeAnnotation {
        let start = current.start
        if current.kind == .leftBracket {
            advance()
            guard case .identifier(let name) = current.kind else { throw unexpected("a type name such as Double inside [ ]") }
            advance()
            _ = try expect(.rightBracket, "']' to close the array type")
            return TypeAnnotation(name: name, isArray: true, start: start)
        }
        guard case .identifier(let name) = current.kind else { throw unexpected("a type name such as Int, Double, String or [Double]") }
        advance()
        return TypeAnnotation(name: name, isArray: false, start: start)
    }

    private mutating func parseIf() throws(ParseError) -> Stmt {
        let ifToken = current
        try enter(ifToken)
        defer { leave() }
        advance()
        let condition = try parseExpression()
        let then = try parseBlock()
        var elseBranch: [Stmt]?
        var lookahead = index
        while tokens[lookahead].kind == .newline { lookahead += 1 }
        if tokens[lookahead].kind == .keyword(.else) {
            index = lookahead
            advance()
            if current.kind == .keyword(.if) {
                elseBranch = [try parseIf()]
            } else {
                elseBranch = try parseBlock()
            }
        }
        return Stmt(.ifElse(condition: condition, then: then, else: elseBranch), start: ifToken.start, end: previousEnd)
    }

    // MARK: Expressions

    /// Parses an expression at the current token.
    public mutating func parseExpression() throws(ParseError) -> Expr {
        let first = current
        try enter(first)
        defer { leave() }
        return try parseBinary(minimumPrecedence: 1)
    }

    private static func binaryOperator(_ kind: Token.Kind) -> BinaryOperator? {
        switch kind {
        case .pipePipe: return .or
        case .ampAmp: return .and
        case .equalEqual: return .equal
        case .bangEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .remainder
        default: return nil
        }
    }

    private static let rangePrecedence = 4

    private func endsOperand(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .rightBracket, .rightParen, .comma, .newline, .endOfInput, .semicolon, .leftBrace, .rightBrace, .interpolationEnd:
            return true
        default:
            return false
        }
    }

    private mutating func parseBinary(minimumPrecedence: Int) throws(ParseError) -> Expr {
        var lhs = try parseUnary()
        while true {
            let token = current
            if token.kind == .halfOpenRange || token.kind == .closedRange {
                guard Parser.rangePrecedence >= minimumPrecedence else { return lhs }
                if case .range = lhs.kind, !lhs.isParenthesized {
                    throw ParseError(message: "ranges cannot be chained; write one range such as 0..<8", position: token.start)
                }
                let closed = token.kind == .closedRange
                advance()
                if closed && endsOperand(current.kind) {
                    lhs = try node(.range(lower: lhs, upper: nil, closed: true), lhs.start, token.end, children: lhs)
                    continue
                }
                skipNewlines()
                let upper = try parseBinary(minimumPrecedence: Parser.rangePrecedence + 1)
                lhs = try node(.range(lower: lhs, upper: upper, closed: closed), lhs.start, upper.end, children: lhs, upper)
                continue
            }
            guard let op = Parser.binaryOperator(token.kind), op.precedence >= minimumPrecedence else { return lhs }
            advance()
            skipNewlines()
            let rhs = try parseBinary(minimumPrecedence: op.precedence + 1)
            if op.precedence == 3, !lhs.isParenthesized, case .binary(let inner, _, _, _) = lhs.kind, inner.precedence == 3 {
                throw ParseError(message: "comparisons cannot be chained; combine them with && (a < b && b < c)", position: token.start)
            }
            lhs = try node(.binary(op, lhs, rhs, operatorStart: token.start), lhs.start, rhs.end, children: lhs, rhs)
        }
    }

    private mutating func parseUnary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .minus, .bang:
            try enter(token)
            defer { leave() }
            advance()
            let operand = try parseUnary()
            let op: UnaryOperator = token.kind == .minus ? .negate : .not
            return try node(.unary(op, operand), token.start, operand.end, children: operand)
        case .halfOpenRange, .closedRange:
            try enter(token)
            defer { leave() }
            advance()
            let upper = try parseBinary(minimumPrecedence: Parser.rangePrecedence + 1)
            return try node(.range(lower: nil, upper: upper, closed: token.kind == .closedRange), token.start, upper.end, children: upper)
        default:
            return try parsePostfix()
        }
    }

    // Each construct is parsed in its own small function, so the recursion's stack frames
    // stay small (deeply nested cells must not need a large stack).

    private mutating func parsePostfix() throws(ParseError) -> Expr {
        var expr = try parsePrimary()
        while true {
            switch current.kind {
            case .leftParen:
                expr = try parseCall(of: expr)
            case .leftBracket:
                expr = try parseSubscript(of: expr)
            case .dot:
                expr = try parseMember(of: expr)
            case .newline:
                // A line that starts with `.member` continues the expression.
                var lookahead = index
                while tokens[lookahead].kind == .newline { lookahead += 1 }
                if tokens[lookahead].kind == .dot {
                    index = lookahead
                    continue
                }
                return expr
            default:
                return expr
            }
        }
    }

    private mutating func parseCall(of callee: Expr) throws(ParseError) -> Expr {
        advance()
        var arguments: [Argument] = []
        var depth = callee.depth
        while current.kind != .rightParen {
            let argument = try parseArgument()
            depth = max(depth, argument.value.depth)
            arguments.append(argument)
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightParen {
                throw unexpected("',' or ')' in the argument list")
            }
        }
        let close = current
        advance()
        return try node(.call(callee: callee, arguments: arguments), callee.start, close.end, childDepth: depth)
    }

    private mutating func parseArgument() throws(ParseError) -> Argument {
        let start = current.start
        var label: String?
        if peekKind() == .colon {
            switch current.kind {
            case .identifier(let name): label = name
            case .keyword(let k): label = k.rawValue
            default: break
            }
            if label != nil { advance(); advance() }
        }
        let value = try parseExpression()
        return Argument(label: label, start: start, value: value)
    }

    private mutating func parseSubscript(of base: Expr) throws(ParseError) -> Expr {
        advance()
        if current.kind == .rightBracket {
            throw ParseError(message: "a subscript needs an index, such as a[0] or a[0..<8]", position: current.start)
        }
        let index = try parseExpression()
        if current.kind == .comma {
            throw ParseError(message: "subscripts take a single index; write a[i][j] for nested arrays", position: current.start)
        }
        guard current.kind == .rightBracket else {
            throw unexpected("']' to close the subscript")
        }
        let close = current
        advance()
        return try node(.subscript(base: base, index: index), base.start, close.end, children: base, index)
    }

    private mutating func parseMember(of base: Expr) throws(ParseError) -> Expr {
        advance()
        guard case .identifier(let name) = current.kind else {
            if case .keyword(let k) = current.kind {
                throw ParseError(message: "expected a member name after '.', found the keyword '\(k.rawValue)'", position: current.start)
            }
            throw unexpected("a member name after '.'")
        }
        let nameToken = current
        advance()
        return try node(.member(base: base, name: name, nameStart: nameToken.start), base.start, nameToken.end, children: base)
    }

    private mutating func parsePrimary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let value):
            advance()
            return Expr(.integer(value), start: token.start, end: token.end)
        case .float(let value):
            advance()
            return Expr(.float(value), start: token.start, end: token.end)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expr(.bool(token.kind == .keyword(.true)), start: token.start, end: token.end)
        case .identifier(let name):
            advance()
            return Expr(.identifier(name), start: token.start, end: token.end)
        case .stringStart:
            return try parseString()
        case .leftParen:
            return try parseParenthesized()
        case .leftBracket:
            return try parseArrayLiteral()
        default:
            throw unexpectedPrimary()
        }
    }

    private func unexpectedPrimary() -> ParseError {
        let token = current
        switch token.kind {
        case .keyword(let k):
            return ParseError(message: "expected an expression, found the keyword '\(k.rawValue)'", position: token.start)
        case .rightParen:
            return ParseError(message: "unbalanced ')': there is no '(' for it to close", position: token.start)
        case .rightBracket:
            return ParseError(message: "unbalanced ']': there is no '[' for it to close", position: token.start)
        default:
            return unexpected("an expression")
        }
    }

    private mutating func parseParenthesized() throws(ParseError) -> Expr {
        let open = current
        advance()
        if current.kind == .rightParen {
            throw ParseError(message: "empty parentheses are not a value; put an expression inside", position: open.start)
        }
        let inner = try parseExpression()
        if current.kind == .comma {
            throw ParseError(message: "tuples are not supported; use an array [a, b]", position: current.start)
        }
        _ = try expect(.rightParen, "')' to close the parenthesis opened at \(open.start)")
        var parenthesized = inner
        parenthesized.isParenthesized = true
        return parenthesized
    }

    private mutating func parseArrayLiteral() throws(ParseError) -> Expr {
        let open = current
        advance()
        var elements: [Expr] = []
        var depth = 0
        while current.kind != .rightBracket {
            let element = try parseExpression()
            depth = max(depth, element.depth)
            elements.append(element)
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightBracket {
                throw unexpected("',' or ']' in the array")
            }
        }
        let close = current
        advance()
        return try node(.array(elements), open.start, close.end, childDepth: depth)
    }

    private mutating func parseString() throws(ParseError) -> Expr {
        let open = current
        advance()
        var segments: [StringSegment] = []
        var depth = 0
        while true {
            let token = current
            switch token.kind {
            case .stringText(let text):
                segments.append(.text(text))
                advance()
            case .interpolationStart:
                advance()
                if current.kind == .interpolationEnd {
                    throw ParseError(message: "an interpolation needs an expression inside \\( )", position: token.start)
                }
                let expr = try parseExpression()
                depth = max(depth, expr.depth)
                guard current.kind == .interpolationEnd else {
                    throw unexpected("')' to close the interpolation")
                }
                advance()
                segments.append(.interpolation(expr))
            case .stringEnd:
                advance()
                return try node(.string(segments), open.start, token.end, childDepth: depth)
            default:
                throw unexpected("the end of the string")
            }
        }
    }
}

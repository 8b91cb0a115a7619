/// The words the language reserves.
public enum Keyword: String, Sendable, CaseIterable {
    case `let`, `var`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `true`, `false`
}

/// One lexical unit of a cell, with where it starts and ends.
public struct Token: Sendable, Equatable {
    /// What a token is.
    public enum Kind: Sendable, Equatable {
        case identifier(String)
        case keyword(Keyword)
        case integer(Int)
        case float(Double)
        /// The opening quote of a string literal.
        case stringStart
        /// Literal text inside a string, escapes already resolved.
        case stringText(String)
        /// `\(` inside a string.
        case interpolationStart
        /// The `)` that closes an interpolation.
        case interpolationEnd
        /// The closing quote of a string literal.
        case stringEnd
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case comma, colon, semicolon, dot
        case plus, minus, star, slash, percent
        case equal, plusEqual, minusEqual, starEqual, slashEqual, percentEqual
        case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
        case ampAmp, pipePipe, bang
        case halfOpenRange, closedRange
        case newline
        case endOfInput
        /// Text the lexer could not read; the message says why.
        case invalid(String)
    }

    /// What it is.
    public var kind: Kind
    /// Where it starts.
    public var start: SourcePosition
    /// Where it ends (exclusive).
    public var end: SourcePosition

    /// A token from its parts.
    public init(_ kind: Kind, start: SourcePosition, end: SourcePosition) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

extension Token.Kind {
    /// How the token reads in source, for messages ("expected ')'").
    public var spelling: String {
        switch self {
        case .identifier(let name): return "identifier '\(name)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .integer(let v): return "number \(v)"
        case .float(let v): return "number \(v)"
        case .stringStart, .stringText, .stringEnd: return "string"
        case .interpolationStart: return "'\\('"
        case .interpolationEnd: return "')'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .comma: return "','"
        case .colon: return "':'"
        case .semicolon: return "';'"
        case .dot: return "'.'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .equal: return "'='"
        case .plusEqual: return "'+='"
        case .minusEqual: return "'-='"
        case .starEqual: return "'*='"
        case .slashEqual: return "'/='"
        case .percentEqual: return "'%='"
        case .equalEqual: return "'=='"
        case .bangEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .ampAmp: return "'&&'"
        case .pipePipe: return "'||'"
        case .bang: return "'!'"
        case .halfOpenRange: return "'..<'"
        case .closedRange: return "'...'"
        case .newline: return "end of line"
        case .endOfInput: return "end of cell"
        case .invalid: return "invalid text"
        }
    }

    /// Whether this is a binary operator that needs a right operand.
    public var isBinaryOperator: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .percent, .equalEqual, .bangEqual, .less, .lessEqual,
             .greater, .greaterEqual, .ampAmp, .pipePipe, .halfOpenRange, .closedRange,
             .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual, .percentEqual:
            return true
        default:
            return false
        }
    }
}

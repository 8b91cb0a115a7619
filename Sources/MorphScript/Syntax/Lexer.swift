/// Turns a cell's text into tokens. Never fails: text it cannot read becomes an `.invalid`
/// token carrying the reason, so the parser reports it at its place and completion can
/// still read the rest.
public struct Lexer {
    /// The tokens of a source, and how it ends (for is_complete).
    public struct Output: Sendable {
        /// Every token, ending with `.endOfInput`.
        public var tokens: [Token]
        /// The source ends inside a string literal or its interpolation.
        public var endsInsideString: Bool
        /// The source ends inside a `/* … */` comment.
        public var endsInsideComment: Bool
        /// The source ends inside a `//` comment (or a `#|` option line).
        public var endsInsideLineComment: Bool
    }

    private enum Frame { case paren, bracket, brace, interpolation, string }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// First offset on the current line of a scalar that may join with its neighbour
    /// into one character (so columns need the slow count after it).
    private var complexFrom: Int?
    /// A character boundary on the current line after `complexFrom`, with its column.
    private var anchor: (offset: Int, column: Int)?
    private var frames: [Frame] = []
    private var tokens: [Token] = []
    private var endsInsideString = false
    private var endsInsideComment = false
    private var endsInsideLineComment = false
    /// Whether only whitespace precedes `index` on this line.
    private var atLineStart = true

    /// A lexer over `source`.
    public init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// The tokens of `source`.
    public static func tokenize(_ source: String) -> Output {
        var lexer = Lexer(source)
        return lexer.run()
    }

    private mutating func run() -> Output {
        while true {
            if frames.last == .string {
                lexStringSegment()
                continue
            }
            if !lexNormal() { break }
        }
        let end = position(at: index)
        tokens.append(Token(.endOfInput, start: end, end: end))
        return Output(tokens: tokens, endsInsideString: endsInsideString, endsInsideComment: endsInsideComment,
                      endsInsideLineComment: endsInsideLineComment)
    }

    // MARK: Positions

    private mutating func position(at offset: Int) -> SourcePosition {
        guard let complexFrom, offset > complexFrom else {
            return SourcePosition(offset: offset, line: line, column: offset - lineStart + 1)
        }
        // Count characters from the last known character boundary on this line, so long
        // lines stay linear.
        var from = lineStart, column = 1
        if let anchor, anchor.offset <= offset { (from, column) = (anchor.offset, anchor.column) }
        if from < offset {
            column += String(String.UnicodeScalarView(scalars[from..<offset])).count
        }
        // Between two ASCII scalars there is always a character boundary.
        if offset > lineStart, offset < scalars.count, scalars[offset].isASCII, scalars[offset - 1].isASCII {
            anchor = (offset, column)
        }
        return SourcePosition(offset: offset, line: line, column: column)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = index + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    /// Moves past one scalar that is not a line break.
    private mutating func advance() {
        if scalars[index].value >= 0x300, complexFrom == nil { complexFrom = index }
        index += 1
    }

    /// Moves past a line break (`\n`, `\r\n` or `\r`) at `index`.
    private mutating func advanceLineBreak() {
        if scalars[index] == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
        index += 1
        line += 1
        lineStart = index
        complexFrom = nil
        anchor = nil
        atLineStart = true
    }

    private static func isLineBreak(_ s: Unicode.Scalar) -> Bool { s == "\n" || s == "\r" }

    private mutating func emit(_ kind: Token.Kind, from start: Int) {
        tokens.append(Token(kind, start: position(at: start), end: position(at: index)))
    }

    // MARK: Normal mode

    /// Lexes one token (or skips trivia); false at the end of input.
    private mutating func lexNormal() -> Bool {
        guard let c = peek() else {
            if frames.contains(.string) || frames.contains(.interpolation) { endsInsideString = true }
            return false
        }
        let start = index
        let wasAtLineStart = atLineStart
        if Lexer.isLineBreak(c) {
            let here = position(at: start)
            advanceLineBreak()
            switch frames.last {
            case .paren, .bracket, .interpolation: break
            default:
                tokens.append(Token(.newline, start: here, end: here))
            }
            return true
        }
        if c == " " || c == "\t" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{FEFF}" {
            advance()
            return true
        }
        atLineStart = false
        // Quarto cell options: lines starting with `#|` (and `//|`, a comment anyway).
        if c == "#", wasAtLineStart, peek(1) == "|" {
            skipToEndOfLine()
            return true
        }
        if c == "/", peek(1) == "/" {
            skipToEndOfLine()
            return true
        }
        if c == "/", peek(1) == "*" {
            skipBlockComment()
            return true
        }
        if c == "\"" {
            advance()
            emit(.stringStart, from: start)
            frames.append(.string)
            return true
        }
        if Lexer.isDigit(c) {
            lexNumber()
            return true
        }
        if Lexer.isIdentifierStart(c) {
            lexIdentifier()
            return true
        }
        lexPunctuation(c)
        return true
    }

    private mutating func skipToEndOfLine() {
        while let c = peek(), !Lexer.isLineBreak(c) { advance() }
        if peek() == nil { endsInsideLineComment = true }
    }

    private mutating func skipBlockComment() {
        let start = position(at: index)
        advance(); advance()
        var depth = 1
        while depth > 0 {
            guard let c = peek() else {
                endsInsideComment = true
                tokens.append(Token(.invalid("unterminated block comment; close it with */"), start: start, end: position(at: index)))
                return
            }
            if c == "/", peek(1) == "*" {
                advance(); advance(); depth += 1
            } else if c == "*", peek(1) == "/" {
                advance(); advance(); depth -= 1
            } else if Lexer.isLineBreak(c) {
                advanceLineBreak()
                atLineStart = false
            } else {
                advance()
            }
        }
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        return c.properties.isXIDStart || c.properties.isEmojiPresentation
    }

    private static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return isIdentifierStart(c) || isDigit(c) }
        return c.properties.isXIDContinue || c.properties.isEmojiPresentation
            || c.properties.generalCategory == .nonspacingMark || c.value == 0x200D || c.value == 0xFE0F
    }

    private mutating func lexIdentifier() {
        let start = index
        advance()
        while let c = peek(), Lexer.isIdentifierContinue(c) { advance() }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        if let keyword = Keyword(rawValue: text) {
            emit(.keyword(keyword), from: start)
        } else {
            emit(.identifier(text), from: start)
        }
    }

    private mutating func lexNumber() {
        let start = index
        if peek() == "0", let p = peek(1), p == "x" || p == "b" || p == "o" {
            let radix = p == "x" ? 16 : (p == "b" ? 2 : 8)
            advance(); advance()
            var digits = ""
            while let c = peek(), c == "_" || Lexer.isIdentifierContinue(c) {
                if c != "_" { digits.unicodeScalars.append(c) }
                advance()
            }
            if !digits.isEmpty, let value = Int(digits, radix: radix) {
                emit(.integer(value), from: start)
            } else {
                emit(.invalid("'\(String(String.UnicodeScalarView(scalars[start..<index])))' is not a valid base-\(radix) integer"), from: start)
            }
            return
        }
        var text = ""
        var isFloat = false
        func digits(_ lexer: inout Lexer, into text: inout String) {
            while let c = lexer.peek(), Lexer.isDigit(c) || c == "_" {
                if c != "_" { text.unicodeScalars.append(c) }
                lexer.advance()
            }
        }
        digits(&self, into: &text)
        if peek() == ".", let next = peek(1), Lexer.isDigit(next) {
            isFloat = true
            text.unicodeScalars.append(".")
            advance()
            digits(&self, into: &text)
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let sign = peek(1), sign == "+" || sign == "-" { ahead = 2 }
            if let d = peek(ahead), Lexer.isDigit(d) {
                isFloat = true
                text.unicodeScalars.append("e")
                advance()
                if ahead == 2, let sign = peek() { text.unicodeScalars.append(sign); advance() }
                digits(&self, into: &text)
            }
        }
        if let c = peek(), Lexer.isIdentifierStart(c) {
            while let c = peek(), Lexer.isIdentifierContinue(c) { advance() }
            let whole = String(String.UnicodeScalarView(scalars[start..<index]))
            emit(.invalid("'\(whole)' is not a valid number"), from: start)
            return
        }
        if isFloat {
            if let value = Double(text) {
                emit(.float(value), from: start)
            } else {
                emit(.invalid("'\(text)' is not a valid number"), from: start)
            }
        } else if let value = Int(text) {
            emit(.integer(value), from: start)
        } else {
            emit(.invalid("integer literal \(text) does not fit in a 64-bit Int; write it as a float (\(text).0)"), from: start)
        }
    }

    private mutating func lexPunctuation(_ c: Unicode.Scalar) {
        let start = index
        advance()
        let next = peek()
        func take(_ kind: Token.Kind, _ lexer: inout Lexer) {
            lexer.advance()
            lexer.emit(kind, from: start)
        }
        switch c {
        case "(":
            frames.append(.paren)
            emit(.leftParen, from: start)
        case ")":
            if frames.last == .interpolation {
                frames.removeLast()
                emit(.interpolationEnd, from: start)
            } else {
                if frames.last == .paren { frames.removeLast() }
                emit(.rightParen, from: start)
            }
        case "[":
            frames.append(.bracket)
            emit(.leftBracket, from: start)
        case "]":
            if frames.last == .bracket { frames.removeLast() }
            emit(.rightBracket, from: start)
        case "{":
            frames.append(.brace)
            emit(.leftBrace, from: start)
        case "}":
            if frames.last == .brace { frames.removeLast() }
            emit(.rightBrace, from: start)
        case ",": emit(.comma, from: start)
        case ":": emit(.colon, from: start)
        case ";": emit(.semicolon, from: start)
        case ".":
            if next == ".", peek(1) == "<" {
                advance(); advance(); emit(.halfOpenRange, from: start)
            } else if next == ".", peek(1) == "." {
                advance(); advance(); emit(.closedRange, from: start)
            } else if next == "." {
                advance()
                emit(.invalid("'..' is not an operator; write '..<' for a half-open range or '...' for a closed one"), from: start)
            } else {
                emit(.dot, from: start)
            }
        case "+": next == "=" ? take(.plusEqual, &self) : emit(.plus, from: start)
        case "-": next == "=" ? take(.minusEqual, &self) : emit(.minus, from: start)
        case "*": next == "=" ? take(.starEqual, &self) : emit(.star, from: start)
        case "/": next == "=" ? take(.slashEqual, &self) : emit(.slash, from: start)
        case "%": next == "=" ? take(.percentEqual, &self) : emit(.percent, from: start)
        case "=": next == "=" ? take(.equalEqual, &self) : emit(.equal, from: start)
        case "!": next == "=" ? take(.bangEqual, &self) : emit(.bang, from: start)
        case "<": next == "=" ? take(.lessEqual, &self) : emit(.less, from: start)
        case ">": next == "=" ? take(.greaterEqual, &self) : emit(.greater, from: start)
        case "&":
            if next == "&" { take(.ampAmp, &self) } else {
                emit(.invalid("'&' is not an operator; write '&&' for logical and"), from: start)
            }
        case "|":
            if next == "|" { take(.pipePipe, &self) } else {
                emit(.invalid("'|' is not an operator; write '||' for logical or"), from: start)
            }
        default:
            emit(.invalid("unexpected character '\(Lexer.printable(c))'"), from: start)
        }
    }

    private static func printable(_ c: Unicode.Scalar) -> String {
        if c.properties.generalCategory == .control || c.value == 0 {
            return "\\u{" + String(c.value, radix: 16) + "}"
        }
        return String(Character(c))
    }

    // MARK: String mode

    /// Lexes literal text up to the closing quote, an interpolation or the end of the line.
    private mutating func lexStringSegment() {
        var text = ""
        var textStart = index
        func flush(_ lexer: inout Lexer) {
            if !text.isEmpty {
                lexer.tokens.append(Token(.stringText(text), start: lexer.position(at: textStart), end: lexer.position(at: lexer.index)))
                text = ""
            }
        }
        while true {
            guard let c = peek() else {
                flush(&self)
                endsInsideString = true
                frames.removeLast()
                emit(.invalid("unterminated string literal; close it with \""), from: index)
                return
            }
            if Lexer.isLineBreak(c) {
                flush(&self)
                frames.removeLast()
                emit(.invalid("unterminated string literal; close it with \" before the end of the line"), from: index)
                return
            }
            if c == "\"" {
                flush(&self)
                let start = index
                advance()
                frames.removeLast()
                emit(.stringEnd, from: start)
                return
            }
            if c == "\\" {
                let escapeStart = index
                if text.isEmpty { textStart = escapeStart }
                advance()
                guard let e = peek(), !Lexer.isLineBreak(e) else {
                    flush(&self)
                    emit(.invalid("a backslash must be followed by an escape such as \\n, \\\", \\\\ or \\("), from: escapeStart)
                    continue
                }
                switch e {
                case "n": text.unicodeScalars.append("\n"); advance()
                case "t": text.unicodeScalars.append("\t"); advance()
                case "r": text.unicodeScalars.append("\r"); advance()
                case "0": text.unicodeScalars.append("\0"); advance()
                case "\\": text.unicodeScalars.append("\\"); advance()
                case "\"": text.unicodeScalars.append("\""); advance()
                case "'": text.unicodeScalars.append("'"); advance()
                case "(":
                    flush(&self)
                    advance()
                    emit(.interpolationStart, from: escapeStart)
                    frames.append(.interpolation)
                    return
                case "u":
                    advance()
                    if let scalar = lexUnicodeEscape() {
                        text.unicodeScalars.append(scalar)
                    } else {
                        flush(&self)
                        emit(.invalid("invalid unicode escape; write \\u{1F600} with 1 to 8 hex digits"), from: escapeStart)
                    }
                default:
                    advance()
                    flush(&self)
                    emit(.invalid("unknown escape '\\\(Lexer.printable(e))'; valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\u{…} and \\(…)"), from: escapeStart)
                }
                continue
            }
            if text.isEmpty { textStart = index }
            text.unicodeScalars.append(c)
            advance()
        }
    }

    /// Reads `{hex}` after `\u`; nil when malformed.
    private mutating func lexUnicodeEscape() -> Unicode.Scalar? {
        guard peek() == "{" else { return nil }
        advance()
        var hex = ""
        while let c = peek(), c != "}", !Lexer.isLineBreak(c), c != "\"", hex.count <= 8 {
            hex.unicodeScalars.append(c)
            advance()
        }
        guard peek() == "}" else { return nil }
        advance()
        guard (1...8).contains(hex.count), let value = UInt32(hex, radix: 16) else { return nil }
        return Unicode.Scalar(value)
    }
}

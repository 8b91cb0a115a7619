import Testing
@testable import MorphScript

/// The S-expression of a cell, or "error L:C message".
private func parsed(_ code: String) -> String {
    do {
        return try Parser.parse(code).dump
    } catch {
        return "error \(error.position.line):\(error.position.column) \(error.message)"
    }
}

struct ParserGoldenTests {
    @Test(arguments: [
        ("let x = 1", "(let x 1)"),
        ("var y = 2.5", "(var y 2.5)"),
        ("let z: Double = 1", "(let z: Double 1)"),
        ("var xs: [Int] = []", "(var xs: [Int] [])"),
        ("x = 3", "(= x 3)"),
        ("x += 1; x -= 2; x *= 3; x /= 4; x %= 5", "(+= x 1)\n(-= x 2)\n(*= x 3)\n(/= x 4)\n(%= x 5)"),
        ("a[0] = 1", "(= (sub a 0) 1)"),
        ("true && false", "(&& true false)"),
        ("\"hi\"", "\"hi\""),
        ("\"a\\n\\t\\\"\\\\b\"", "\"a\\n\\t\\\"\\\\b\""),
        ("\"\\u{1F600}\"", "\"😀\""),
        ("\"x = \\(x + 1)!\"", "(str \"x = \" (+ x 1) \"!\")"),
        ("\"\\(\"in \\(y)\")\"", "(str (str \"in \" y))"),
        ("\"\"", "\"\""),
        ("[1, 2, 3]", "[1 2 3]"),
        ("[]", "[]"),
        ("[1, 2,]", "[1 2]"),
        ("f()", "(call f)"),
        ("train(m, on: data, epochs: 5)", "(call train m on: data epochs: 5)"),
        ("f(in: 1, for: 2)", "(call f in: 1 for: 2)"),
        ("data.test[0..<8]", "(sub (. data test) (..< 0 8))"),
        ("a.b.c(1).d", "(. (call (. (. a b) c) 1) d)"),
        ("a[1][2]", "(sub (sub a 1) 2)"),
        ("0...7", "(... 0 7)"),
        ("a[..<3]", "(sub a (..< _ 3))"),
        ("a[2...]", "(sub a (... 2 _))"),
        ("0..<n + 1", "(..< 0 (+ n 1))"),
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 % 3", "(% (/ 8 4) 3)"),
        ("-x * 2", "(* (- x) 2)"),
        ("-a.b", "(- (. a b))"),
        ("!a && b || c", "(|| (&& (! a) b) c)"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a < b == c < d", "error 1:7 comparisons cannot be chained; combine them with && (a < b && b < c)"),
        ("x + 1 < y * 2", "(< (+ x 1) (* y 2))"),
        ("(a < b) == c", "(== (< a b) c)"),
        ("(0..<2)...(3)", "(... (..< 0 2) 3)"),
        ("a == b && c != d", "(&& (== a b) (!= c d))"),
        ("a <= b || a >= b || a > b", "(|| (|| (<= a b) (>= a b)) (> a b))"),
        ("if x { 1 } else { 2 }", "(if x {1} else {2})"),
        ("if x { 1 }\nelse if y { 2 } else { 3 }", "(if x {1} else {(if y {2} else {3})})"),
        ("if a {\n  let b = 1\n  b\n}", "(if a {(let b 1) b})"),
        ("for i in 0..<3 { print(i) }", "(for i (..< 0 3) {(call print i)})"),
        ("for _ in xs { }", "(for _ xs {})"),
        ("while x < 3 { x += 1; break }", "(while (< x 3) {(+= x 1) (break)})"),
        ("let a = 1; let b = 2", "(let a 1)\n(let b 2)"),
        ("// c\nlet a = 1 // trailing\n/* block /* nested */ still */ a", "(let a 1)\na"),
        ("#| label: fig\n//| echo: false\nx", "x"),
        ("let x = 1 +\n    2", "(let x (+ 1 2))"),
        ("f(1,\n  2)", "(call f 1 2)"),
        ("[1,\n 2]", "[1 2]"),
        ("data\n  .test\n  .count", "(. (. data test) count)"),
        ("0x1F + 0b101 + 1_000", "(+ (+ 31 5) 1000)"),
        ("1e3 + 2.5e-1", "(+ 1000.0 0.25)"),
        ("let é = \"ü\"", "(let é \"ü\")"),
        ("x\r\ny", "x\ny"),
    ])
    func golden(_ code: String, _ expected: String) {
        #expect(parsed(code) == expected)
    }

    @Test(arguments: [
        ("let = 1", "error 1:5 expected a name after 'let', found '='"),
        ("let x 1", "error 1:7 expected '=' and a value after 'let x', found number 1"),
        ("let x: = 1", "error 1:8 expected a type name such as Int, Double, String or [Double], found '='"),
        ("let x: [Int = 1", "error 1:13 expected ']' to close the array type, found '='"),
        ("f(1 2)", "error 1:5 expected ',' or ')' in the argument list, found number 2"),
        ("(1 + 2", "error 1:7 expected ')' to close the parenthesis opened at 1:1, found end of cell"),
        ("1 + 2)", "error 1:6 expected a new line or ';' after the statement, found ')'"),
        (")", "error 1:1 unbalanced ')': there is no '(' for it to close"),
        ("}", "error 1:1 unbalanced '}': there is no '{' for it to close"),
        ("if x { 1", "error 1:9 expected '}' to close the block, found end of cell"),
        ("let s = \"abc", "error 1:13 unterminated string literal; close it with \""),
        ("let s = \"abc\nx", "error 1:13 unterminated string literal; close it with \" before the end of the line"),
        ("\"\\q\"", "error 1:2 unknown escape '\\q'; valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\u{…} and \\(…)"),
        ("/* open", "error 1:1 unterminated block comment; close it with */"),
        ("x = = 1", "error 1:5 expected an expression, found '='"),
        ("1 = 2", "error 1:1 cannot assign to this expression; only names, subscripts (a[i]) and members can be assigned"),
        ("a & b", "error 1:3 '&' is not an operator; write '&&' for logical and"),
        ("0..5", "error 1:2 '..' is not an operator; write '..<' for a half-open range or '...' for a closed one"),
        ("99999999999999999999", "error 1:1 integer literal 99999999999999999999 does not fit in a 64-bit Int; write it as a float (99999999999999999999.0)"),
        ("a[]", "error 1:3 a subscript needs an index, such as a[0] or a[0..<8]"),
        ("(1, 2)", "error 1:3 tuples are not supported; use an array [a, b]"),
        ("else { }", "error 1:1 'else' must follow the '}' of an 'if' block"),
        ("x.let", "error 1:3 expected a member name after '.', found the keyword 'let'"),
        ("let x = @", "error 1:9 unexpected character '@'"),
        ("0..<1..<2", "error 1:6 ranges cannot be chained; write one range such as 0..<8"),
        ("let é = 1 +", "error 1:12 expected an expression, found end of cell"),
        ("let 😀 = \"é\" + é $", "error 1:17 unexpected character '$'"),
        ("x\n  y z", "error 2:5 expected a new line or ';' after the statement, found identifier 'z'"),
    ])
    func errorPositions(_ code: String, _ expected: String) {
        #expect(parsed(code) == expected)
    }

    @Test func nodePositions() throws {
        let program = try Parser.parse("let a = 1\n  foo(é, x: 2)")
        #expect(program.statements[0].start == SourcePosition(offset: 0, line: 1, column: 1))
        guard case .expression(let call) = program.statements[1].kind,
              case .call(let callee, let arguments) = call.kind else {
            Issue.record("expected a call")
            return
        }
        #expect(callee.start == SourcePosition(offset: 12, line: 2, column: 3))
        #expect(arguments[0].value.start.column == 7)
        #expect(arguments[1].start.column == 10)
        #expect(call.end.column == 15)
    }

    @Test func columnsCountCharactersNotScalars() throws {
        // "e" + combining acute accent is one character, two scalars.
        do {
            _ = try Parser.parse("let s = \"e\u{301}\" $")
            Issue.record("expected an error")
        } catch {
            #expect(error.position.column == 13)
            #expect(error.position.offset == 13)
        }
    }

    @Test func deepNestingIsASyntaxErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(parsed(deep).hasPrefix("error 1:"))
        #expect(parsed(deep).contains("nested too deeply"))
        let unary = String(repeating: "-", count: 5000) + "1"
        #expect(parsed(unary).contains("nested too deeply"))
        let chain = Array(repeating: "1", count: 5000).joined(separator: " + ")
        #expect(parsed(chain).contains("nested too deeply"))
        let blocks = String(repeating: "if x {", count: 500)
        #expect(parsed(blocks).contains("nested too deeply"))
        let strings = String(repeating: "\"\\(", count: 500)
        #expect(parsed(strings).hasPrefix("error"))
        let arrays = String(repeating: "[", count: 5000)
        #expect(parsed(arrays).contains("nested too deeply"))
    }

    @Test func moderateNestingParses() {
        let nested = String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)
        #expect(parsed(nested) == "1")
        let chain = Array(repeating: "1", count: 200).joined(separator: " + ")
        #expect(!parsed(chain).hasPrefix("error"))
    }

    @Test func expressionParsing() throws {
        #expect(try Parser.parseExpression(" a + 1 ").dump == "(+ a 1)")
        #expect(throws: ParseError.self) { try Parser.parseExpression("let x = 1") }
        #expect(throws: ParseError.self) { try Parser.parseExpression("a b") }
    }
}

/// Inputs the fuzzer found problems with (fuzz/ScriptParser/regressions), kept as tests.
struct FuzzRegressionTests {
    @Test func newlineTokensSitOnTheLineTheyEnd() {
        let tokens = Lexer.tokenize("let x = 1 + 2 * 3\nx\n").tokens
        let newlines = tokens.filter { $0.kind == .newline }
        #expect(newlines.map(\.start) == [
            SourcePosition(offset: 17, line: 1, column: 18),
            SourcePosition(offset: 19, line: 2, column: 2),
        ])
        for token in tokens { #expect(token.start.column >= 1) }
    }

    @Test func unterminatedCommentAcrossLinesIsReportedWhereItStarts() {
        let tokens = Lexer.tokenize("x\n  /* open\nstill open \u{FFFD}\u{FFFD} é\n").tokens
        let invalid = tokens.first { if case .invalid = $0.kind { return true }; return false }
        #expect(invalid?.start == SourcePosition(offset: 4, line: 2, column: 3))
        #expect(invalid?.end.line == 4)
        for token in tokens { #expect(token.start.column >= 1) }
    }

    @Test func columnsAfterCombiningMarksOnALongLine() {
        let line = String(repeating: "e\u{301} + ", count: 50) + "$"
        let tokens = Lexer.tokenize(line).tokens
        let dollar = tokens.first { if case .invalid = $0.kind { return true }; return false }
        #expect(dollar?.start.column == 50 * 4 + 1)
        #expect(dollar?.start.offset == 50 * 5)
    }
}

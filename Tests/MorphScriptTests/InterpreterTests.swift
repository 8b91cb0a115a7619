import Testing
@testable import MorphScript

struct InterpreterTests {
    @Test(arguments: [
        ("1 + 2 * 3", "7"),
        ("7 / 2", "3"),
        ("7 % 3", "1"),
        ("-7 / 2", "-3"),
        ("7.0 / 2", "3.5"),
        ("1 + 0.5", "1.5"),
        ("2.5 % 1", "0.5"),
        ("-(3)", "-3"),
        ("!true", "false"),
        ("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3", "true"),
        ("1 == 1.0", "true"),
        ("(1 < 2) == true", "true"),
        ("\"a\" < \"b\"", "true"),
        ("\"ab\" + \"cd\"", "\"abcd\""),
        ("[1] + [2, 3]", "[1, 2, 3]"),
        ("[1, 2] == [1, 2]", "true"),
        ("\"x\\(1 + 1)y\\(\"z\")\"", "\"x2yz\""),
        ("\"line\\nnext\"", "\"line\\nnext\""),
        ("0..<8", "0..<8"),
        ("0...7", "0...7"),
        ("(0..<8).count", "8"),
        ("(0...7).count", "8"),
        ("[10, 20, 30][1]", "20"),
        ("[10, 20, 30, 40][1..<3]", "[20, 30]"),
        ("[10, 20, 30, 40][1...2]", "[20, 30]"),
        ("[10, 20, 30, 40][..<2]", "[10, 20]"),
        ("[10, 20, 30, 40][2...]", "[30, 40]"),
        ("\"héllo\"[1]", "\"é\""),
        ("\"héllo\"[1..<3]", "\"él\""),
        ("(5..<10)[2]", "7"),
        ("[1, 2, 3].count", "3"),
        ("[].isEmpty", "true"),
        ("[3, 1, 2].sorted()", "[1, 2, 3]"),
        ("[1, 2].reversed()", "[2, 1]"),
        ("[1, 2].contains(2)", "true"),
        ("[\"a\", \"b\"].joined(separator: \"-\")", "\"a-b\""),
        ("\"Hello\".uppercased()", "\"HELLO\""),
        ("\"a,b\".split(separator: \",\")", "[\"a\", \"b\"]"),
        ("\"é😀\".count", "2"),
        ("true || 1 / 0 == 0", "true"),
        ("false && 1 / 0 == 0", "false"),
        ("1_000_000", "1000000"),
        ("0.1 + 0.2", "0.30000000000000004"),
        ("1e-5", "1e-05"),
    ])
    func expressions(_ code: String, _ expected: String) throws {
        #expect(try Harness().run(code) == expected)
    }

    @Test func stateAcrossCells() throws {
        let h = Harness()
        try h.run("let a = 2\nvar b = [1, 2]")
        try h.run("b.append(a * 10)")
        #expect(try h.run("b") == "[1, 2, 20]")
        #expect(try h.run("a + b.count") == "5")
        #expect(h.session.variableNames == ["a", "b"])
    }

    @Test func lastExpressionIsTheResultUnlessItReturnsNothing() throws {
        let h = Harness()
        #expect(try h.run("let x = 3") == nil)
        #expect(try h.run("x") == "3")
        #expect(try h.run("x\nprint(x)") == nil)
        #expect(try h.run("print(x)\nx * 2") == "6")
        #expect(try h.run("") == nil)
        #expect(try h.run("// only a comment") == nil)
        #expect(try h.run("if x > 1 { x }") == nil)
    }

    @Test func failedStatementBindsNothingAndEarlierStatementsStay() throws {
        let h = Harness()
        try h.run("var total = 0\nlet keep = 1")
        let error = h.failure("let fresh = 5\ntotal = 100\nlet broken = [1][3]\nlet after = 1")
        #expect(error?.kind == "IndexError")
        #expect(error?.line == 3)
        #expect(h.session.value(of: "fresh")?.repr == "5")
        #expect(h.session.value(of: "total")?.repr == "100")
        #expect(h.session.value(of: "broken") == nil)
        #expect(h.session.value(of: "after") == nil)
        #expect(h.session.value(of: "keep")?.repr == "1")
    }

    @Test func failingLoopRestoresEveryVariableItChanged() throws {
        let h = Harness()
        try h.run("var s = 0\nvar xs = [1]")
        let error = h.failure("for i in 0..<10 { s += i; xs.append(i); if i == 5 { let z = 1 / 0 } }")
        #expect(error?.kind == "ZeroDivisionError")
        #expect(try h.run("s") == "0")
        #expect(try h.run("xs") == "[1]")
    }

    @Test func redeclaringShadows() throws {
        let h = Harness()
        try h.run("let x = 1")
        try h.run("let x = \"now a string\"")
        #expect(try h.run("x") == "\"now a string\"")
        try h.run("var x = 2\nx += 1")
        #expect(try h.run("x") == "3")
    }

    @Test func letCannotBeChanged() throws {
        let h = Harness()
        try h.run("let c = 1\nlet arr = [1]")
        let error = h.failure("c = 2")
        #expect(error?.kind == "TypeError")
        #expect(error?.message.contains("declared with 'let'") == true)
        #expect(h.failure("arr.append(2)")?.message.contains("declare it with 'var'") == true)
        #expect(h.failure("arr[0] = 5")?.kind == "TypeError")
    }

    @Test func controlFlow() throws {
        let h = Harness()
        try h.run("""
        var evens = []
        for i in 0...9 {
            if i % 2 == 1 { continue }
            if i > 6 { break }
            evens.append(i)
        }
        var n = 0
        while n < 5 { n += 2 }
        """)
        #expect(try h.run("evens") == "[0, 2, 4, 6]")
        #expect(try h.run("n") == "6")
        try h.run("var out = \"\"\nfor c in \"ab\" { out += c + \".\" }\nfor x in [1, 2] { out += String(x) }")
        #expect(try h.run("out") == "\"a.b.12\"")
        #expect(try h.run("let g = 3\nif g > 5 { \"big\" } else if g > 2 { \"mid\" } else { \"small\" }") == nil)
    }

    @Test func blockScopesEndWithTheBlock() throws {
        let h = Harness()
        try h.run("if true { let inner = 1 }")
        #expect(h.session.value(of: "inner") == nil)
        try h.run("var outer = 0\nfor i in 0..<3 { let step = i * 2; outer += step }")
        #expect(try h.run("outer") == "6")
        #expect(h.session.value(of: "i") == nil)
    }

    @Test func nestedElementAssignment() throws {
        let h = Harness()
        try h.run("var grid = [[0, 0], [0, 0]]\ngrid[1][0] = 7\ngrid[0][1] += 2")
        #expect(try h.run("grid") == "[[0, 2], [7, 0]]")
    }

    @Test func loopsStopOnInterrupt() throws {
        let h = Harness()
        try h.run("var count = 0")
        h.cancellation.cancel()
        let error = h.failure("for i in 0..<1000000 { count += 1 }")
        #expect(error?.kind == "Interrupted")
        #expect(error?.line == 1)
        #expect(try { h.cancellation.reset(); return try h.run("count") }() == "0")
        h.cancellation.cancel()
        #expect(h.failure("while true { }")?.kind == "Interrupted")
        h.cancellation.reset()
    }

    @Test func functionsAreValues() throws {
        let h = Harness()
        try h.run("let f = sqrt")
        #expect(try h.run("f(16)") == "4.0")
        #expect(try h.run("sqrt") == "<function sqrt>")
    }

    @Test func bigArraysAreElidedInResults() throws {
        let h = Harness()
        let text = try h.run("var a = []\nfor i in 0..<1000 { a.append(i) }\na")
        #expect(text?.contains("… (900 more)") == true)
        #expect(text?.hasSuffix("999]") == true)
    }

    @Test func evaluateExpressionHasNoOutput() throws {
        let h = Harness()
        try h.run("let v = 21")
        #expect(try h.session.evaluate(expression: "v * 2", in: h.context).plainText == "42")
        #expect(try h.session.evaluate(expression: "print(v)", in: h.context).plainText == "none")
        #expect(h.sink.events.isEmpty)
        #expect(throws: ScriptError.self) { try h.session.evaluate(expression: "v +", in: h.context) }
    }

    @Test func quartoOptionsAreIgnored() throws {
        #expect(try Harness().run("#| label: fig-a\n//| echo: false\n1 + 1") == "2")
    }

    @Test func typeAnnotations() throws {
        let h = Harness()
        try h.run("let d: Double = 1\nvar xs: [Double] = [1, 2.5]\nlet s: String = \"a\"\nlet a: Any = 3")
        #expect(try h.run("d") == "1.0")
        #expect(try h.run("xs") == "[1.0, 2.5]")
        let wrong = h.failure("let n: Int = 2.5")
        #expect(wrong?.kind == "TypeError")
        #expect(wrong?.message == "'n' is declared as Int but the value is a Double")
        #expect(wrong?.column == 14)
        #expect(h.failure("let m: Strng = \"x\"")?.suggestion == "String")
        #expect(h.failure("let q: [Int] = [1, \"a\"]")?.message.contains("holds a String") == true)
        #expect(h.session.value(of: "n") == nil)
    }
}

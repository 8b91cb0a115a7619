import MorphEngine
import Testing
@testable import MorphScript

struct ErrorTests {
    /// Runs `code` in a fresh session with `x = 1`, `xs = [1, 2, 3]`; returns the error.
    private func error(_ code: String) -> ScriptError? {
        let h = Harness()
        _ = try? h.run("let x = 1\nvar xs = [1, 2, 3]\nlet name = \"morph\"")
        return h.failure(code)
    }

    @Test func syntaxErrorHasLineColumnSourceAndCaret() throws {
        let e = try #require(error("let a = 1\nlet b = (a +\n"))
        #expect(e.kind == "SyntaxError")
        #expect(e.message == "expected an expression, found end of cell")
        #expect(e.traceback.last == "SyntaxError: expected an expression, found end of cell")
        let unbalanced = try #require(error("let a = 1\nprint(a))"))
        #expect(unbalanced.line == 2)
        #expect(unbalanced.column == 9)
        #expect(unbalanced.sourceLine == "print(a))")
        #expect(unbalanced.traceback == [
            "Cell line 2, column 9",
            "    print(a))",
            "            ^",
            "SyntaxError: expected a new line or ';' after the statement, found ')'",
        ])
    }

    @Test func nameErrorSuggestsTheClosestName() throws {
        let e = try #require(error("let y = nmae + \"!\""))
        #expect(e.kind == "NameError")
        #expect(e.message == "'nmae' is not defined; declare it first with let nmae = …")
        #expect(e.suggestion == "name")
        #expect(e.value.hasSuffix("(did you mean 'name'?)"))
        #expect(e.column == 9)
        let call = try #require(error("pirnt(x)"))
        #expect(call.kind == "NameError")
        #expect(call.suggestion == "print")
        #expect(call.message.contains("no function named 'pirnt'"))
        #expect(error("zzzzzz")?.suggestion == nil)
    }

    @Test func typeErrors() throws {
        let add = try #require(error("let z = x + name"))
        #expect(add.kind == "TypeError")
        #expect(add.message.contains("cannot add Int and String"))
        #expect(add.column == 11)
        #expect(error("x(1)")?.message == "a Int is not a function and cannot be called")
        #expect(error("if x { }")?.message.contains("condition of 'if' must be a Bool") == true)
        #expect(error("-name")?.kind == "TypeError")
        #expect(error("x && true")?.kind == "TypeError")
        #expect(error("for c in 5 { }")?.message.contains("cannot loop over a Int") == true)
        #expect(error("x[0]")?.message == "a Int cannot be subscripted")
        #expect(error("xs[\"a\"]")?.kind == "TypeError")
        #expect(error("1 < \"a\"")?.kind == "TypeError")
        #expect(error("let p = print(1)")?.message.contains("returns nothing") == true)
    }

    @Test func argumentErrorsNameTheLabelAndSuggest() throws {
        let misspelled = try #require(error("round(2.567, digts: 2)"))
        #expect(misspelled.kind == "TypeError")
        #expect(misspelled.message == "round has no argument labeled 'digts:'; its labels are digits:")
        #expect(misspelled.suggestion == "digits:")
        #expect(misspelled.column == 14)
        let missing = try #require(error("sqrt()"))
        #expect(missing.message.contains("missing argument 'x' (Number) in the call to sqrt"))
        #expect(missing.column == 1)
        let extra = try #require(error("sqrt(1, 2)"))
        #expect(extra.message.contains("too many arguments"))
        #expect(extra.column == 9)
        let needsLabel = try #require(error("round(1.5, 2)"))
        #expect(needsLabel.message.contains("needs a label: write digits:"))
        #expect(needsLabel.suggestion == "digits:")
        let wrongType = try #require(error("round(\"a\")"))
        #expect(wrongType.message == "argument 'x' of round must be Number, got String")
        #expect(wrongType.column == 7)
        let twice = try #require(error("round(1, digits: 1, digits: 2)"))
        #expect(twice.message.contains("given twice"))
        let overloaded = try #require(error("min(\"a\", \"b\")"))
        #expect(overloaded.message.contains("min can be called as:"))
    }

    @Test func memberErrorsSuggest() throws {
        let e = try #require(error("xs.cout"))
        #expect(e.kind == "AttributeError")
        #expect(e.suggestion == "count")
        #expect(e.column == 4)
        #expect(error("xs.count()")?.message.contains("is a property of Array, not a method") == true)
        #expect(error("xs.append")?.message.contains("is a method") == true)
        #expect(error("xs.count = 3")?.message.contains("read-only") == true)
    }

    @Test func indexErrors() throws {
        let e = try #require(error("let v = xs[3]"))
        #expect(e.kind == "IndexError")
        #expect(e.message == "index 3 is out of range: 3 elements, valid indices are 0..<3")
        #expect(e.column == 12)
        #expect(error("xs[-1]")?.kind == "IndexError")
        #expect(error("xs[1..<9]")?.message.contains("out of bounds") == true)
        #expect(error("[].first")?.kind == "IndexError")
    }

    @Test func valueAndArithmeticErrors() throws {
        let zero = try #require(error("let q = x / 0"))
        #expect(zero.kind == "ZeroDivisionError")
        #expect(zero.column == 11)
        #expect(error("x % 0")?.kind == "ZeroDivisionError")
        #expect(error("1.5 / 0")?.kind == "ZeroDivisionError")
        #expect(error("9223372036854775807 + 1")?.kind == "ValueError")
        #expect(error("sqrt(-1)")?.kind == "ValueError")
        #expect(error("mean([])")?.kind == "ValueError")
        #expect(error("5...3")?.kind == "ValueError")
        #expect(error("Int(\"abc\")")?.kind == "ValueError")
        #expect(error("for i in 3... { }")?.kind == "ValueError")
        #expect(error("var a = []\nfor i in 0..<100000 { a = [a] }")?.message == "arrays nested more than 64 levels deep are not supported")
        #expect(error("var a = [0]\nfor i in 0..<100000 { a[0] = a }")?.kind == "ValueError")
        #expect(error("var a = []\nfor i in 0..<100000 { var b = []; b.append(a); a = b }")?.kind == "ValueError")
        let doubling = error("var a = \"ab\"\nfor i in 0..<40 { a = a + a }")
        #expect(doubling?.message == "the joined string would exceed 10000000 bytes")
    }

    @Test func interruptedHasItsKind() throws {
        let h = Harness()
        h.cancellation.cancel()
        let e = try #require(h.failure("for i in 0..<3 { }"))
        #expect(e.kind == "Interrupted")
        #expect(e.traceback.last?.hasPrefix("Interrupted:") == true)
    }

    /// Answers input() and requests an interrupt while doing so, as a front end may.
    final class InterruptingInput: InputReader {
        let token: CancellationToken
        init(_ token: CancellationToken) { self.token = token }
        func readLine(prompt: String, password: Bool) throws -> String {
            token.cancel()
            return "done"
        }
    }

    @Test func anInterruptDuringAStatementThatCompletesEndsTheCell() throws {
        let token = CancellationToken()
        let h = Harness(input: ScriptedInput())
        let context = ExecutionContext(output: h.sink, input: InterruptingInput(token), cancellation: token,
                                       workingDirectory: "/tmp", executionCount: 1)
        try h.run("let kept = 1")
        do {
            _ = try h.session.execute("let answer = input(\"?\")\nlet after = 2", in: context)
            Issue.record("the cell was not interrupted")
        } catch {
            #expect(error.kind == "Interrupted")
            #expect(error.line == 1)
        }
        #expect(h.session.value(of: "answer") == nil, "the interrupted statement binds nothing")
        #expect(h.session.value(of: "after") == nil)
        #expect(try h.run("kept") == "1")
    }

    @Test func stdinNotAllowed() throws {
        let h = Harness(input: ScriptedInput(allowed: false))
        let e = try #require(h.failure("let answer = input(\"Name? \")"))
        #expect(e.kind == "StdinNotAllowed")
        #expect(e.message.contains("does not"))
        #expect(e.line == 1 && e.column == 14)
        #expect(h.session.value(of: "answer") == nil)
    }

    @Test func breakOutsideLoop() {
        #expect(error("break")?.kind == "SyntaxError")
    }
}

/// A variable named like a builtin (a notebook parameter `dataset = "mnist"`) keeps the builtin callable.
struct ShadowingTests {
    @Test func aVariableDoesNotHideABuiltinFromCalls() throws {
        let h = Harness()
        try h.run("let count = 3\nlet round = [1.24]")
        #expect(try h.run("count([1, 2])") == "2")
        #expect(try h.run("count + 1") == "4")
        #expect(try h.run("round(round[0], digits: 1)") == "1.2")
        try h.run("let dataset = \"synthetic\"")
        #expect(try h.run("dataset(dataset, classes: [0, 1], train: 8, test: 4).classes") == "[0, 1]")
    }
}

/// Printing and results stop at an output cap and say so.
struct OutputCapTests {
    @Test func hugeOutputIsCutWithANote() throws {
        let h = Harness()
        try h.run("var row = [0]\nfor i in 0..<16 { row = row + row }\nvar big = [row]\nfor i in 0..<5 { big = big + big }")
        try h.run("print(big)")
        let printed = h.sink.text()
        #expect(printed.utf8.count <= Value.outputLimit + 64)
        #expect(printed.hasSuffix("… (output truncated)\n"))
        let shown = try #require(try h.run("[big, big]"))
        #expect(shown.utf8.count <= Value.outputLimit + 64)
        #expect(shown.contains("… (output truncated)"))
        #expect(try h.run("print(\"short\")") == nil && h.sink.text().hasSuffix("short\n"))
    }

    @Test func aLongLiteralIsNotCappedLikeAGrowingString() throws {
        let h = Harness()
        let literal = String(repeating: "y", count: 10_500_000)
        #expect(try h.run("let big = \"" + literal + "\"\nbig.count") == "10500000")
    }
}

import Testing
import MorphEngine
@testable import MorphScript

/// Nested arrays that share their parts: the nesting check, equality and printing visit each
/// distinct array once, so a structure with 2⁴⁰ paths is handled at once; a cancelled check stops.
struct NestingTests {
    /// `a = [a, a]` forty times: forty distinct arrays, 2⁴⁰ paths.
    static let doubling = "var a = [1]\nfor i in 0..<40 { a = [a, a] }"

    @Test func sharedStructuresAreCheckedAndComparedQuickly() throws {
        let h = Harness()
        let start = ContinuousClock.now
        try h.run(Self.doubling)
        try h.run("var b = [1]\nfor i in 0..<40 { b = [b, b] }")
        #expect(try h.run("a == b") == "true")
        #expect(try h.run("a == [a[0], a[1]]") == "true")
        #expect(try h.run("a != [a[0], a[0][0]]") == "true")
        #expect(try h.run("[a].contains(b)") == "true")
        try h.run("var c = [a, b]\nc[0] = a\nc.append(b)")
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func sharedStructuresPrintTruncated() throws {
        let h = Harness()
        try h.run(Self.doubling)
        #expect(try h.run("a")?.hasSuffix("(output truncated)") == true)
        #expect(h.failure("let s = \"\\(a)\"")?.kind == "ValueError")
        #expect(h.failure("[a, a].joined()")?.kind == "ValueError")
    }

    @Test func sharedStructuresStillHaveANestingLimit() throws {
        let h = Harness()
        try h.run("var a = [1]\nfor i in 0..<63 { a = [a, a] }")
        #expect(h.failure("let b = [a]")?.kind == "ValueError")
        #expect(h.failure("var l = []\nl.append(a)")?.kind == "ValueError")
    }

    @Test func aCancelledComparisonIsInterrupted() throws {
        let h = Harness()
        try h.run("var a = stride(from: 0, to: 100000, by: 1)\nvar b = stride(from: 0, to: 100000, by: 1)")
        h.cancellation.cancel()
        let shared = try #require(h.session.value(of: "a"))
        let copy = try #require(h.session.value(of: "b"))
        #expect(throws: ScriptError.self) { try shared.isEqual(to: copy, cancellation: h.cancellation) }
        #expect(shared.isEqual(to: copy))
    }

    @Test func equalityKeepsNaNUnequalToItself() throws {
        let h = Harness()
        try h.run("let n = [1e308 * 10 - 1e308 * 10]")
        #expect(try h.run("n == n") == "false")
        #expect(try h.run("[n, n] == [n, n]") == "false")
    }
}

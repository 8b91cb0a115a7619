import Testing
@testable import MorphScript

/// A run with a step limit stops with a StepLimit error once it has taken that many steps,
/// keeps the variables it had, and a run without one is not limited.
struct StepLimitTests {
    @Test(arguments: [
        "while true { }",
        "for i in 0..<9000000000000000000 { }",
        "var n = 0\nwhile n >= 0 { n += 1 }",
        "var a = [1]\nfor i in 0..<1000000 { a.append(i) }",
    ])
    func endlessCellsStopWithAStepLimitError(code: String) throws {
        let h = Harness()
        h.stepLimit = 10_000
        try h.run("var kept = 7")
        let error = h.failure(code)
        #expect(error?.kind == "StepLimit")
        #expect(error?.message == "the cell took more than 10000 steps")
        #expect(error?.line != nil)
        #expect(try h.run("kept") == "7")
    }

    @Test func eachRunHasItsOwnBudget() throws {
        let h = Harness()
        h.stepLimit = 2_000
        for _ in 0..<5 {
            #expect(try h.run("var n = 0\nfor i in 0..<100 { n += i }\nn") == "4950")
        }
    }

    @Test func aZeroLimitStopsTheFirstStep() {
        let h = Harness()
        h.stepLimit = 0
        #expect(h.failure("1")?.kind == "StepLimit")
    }

    @Test func withoutALimitLongLoopsFinish() throws {
        let h = Harness()
        #expect(try h.run("var n = 0\nfor i in 0..<200000 { n += 1 }\nn") == "200000")
    }
}

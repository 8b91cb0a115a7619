import Testing
import MorphRender
@testable import MorphScript

struct TablesLibraryTests {
    @Test func aTableFromRowsKeepsNumbersAsNumbers() throws {
        let h = Harness()
        try h.run("let t = table([\"model\", \"loss\", \"trained\"], [[\"Conv\", 11.25, true], [\"MLP\", 19]], title: \"Losses\")")
        let value = try #require(h.session.value(of: "t"))
        guard case .host(let object) = value, let t = object as? TableValue else {
            Issue.record("table() gave \(value)")
            return
        }
        #expect(t.table.title == "Losses")
        #expect(t.table.columnNames == ["model", "loss", "trained"])
        #expect(t.table.column(named: "loss")?.cells == [.number(11.25), .number(19)])
        #expect(t.table.column(named: "trained")?.cells == [.text("true"), .empty])
        #expect(t.table.csv().contains("Conv,11.25,true"))
    }

    @Test func verdictsAreComputedFromTheMeasurement() throws {
        let h = Harness()
        try h.run("let a = 0.2\nlet b = 0.5")
        #expect(try h.run("verdict(\"a is smaller\", measured: \"a \\(a), b \\(b)\", holds: a < b)")
                == "[\"a is smaller\", \"a 0.2, b 0.5\", \"holds\"]")
        #expect(try h.run("verdict(\"b is smaller\", measured: \"…\", holds: b < a)[2]") == "\"does not hold\"")
        #expect(try h.run("verdict(\"needs MNIST\", measured: \"not run\")[2]") == "\"not decidable here\"")
    }

    @Test func badRowsAreErrorsNamingWhatToChange() throws {
        let h = Harness()
        let wide = try #require(h.failure("table([\"a\"], [[1, 2]])"))
        #expect(wide.kind == "ValueError")
        #expect(wide.message.contains("row 0 has 2 cells but the header names 1 columns"))
        #expect(h.failure("table([], [])")?.kind == "ValueError")
        #expect(h.failure("verdict(\"x\", measured: \"y\", holds: 3)")?.kind == "TypeError")
    }
}

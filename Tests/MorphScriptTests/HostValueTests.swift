import Testing
import MorphRender
@testable import MorphScript
#if canImport(Glibc)
import Glibc
#endif

struct HostValueTests {
    private func harness() -> Harness {
        Harness(session: Session(libraries: Library.standard + [TestLibrary.library]))
    }

    @Test func membersSubscriptsAndLoops() throws {
        let h = harness()
        try h.run("let h = train(0, on: 0, epochs: 4)")
        #expect(try h.run("h.epochs") == "4")
        #expect(try h.run("h.loss") == "[1.0, 0.5, 0.3333333333333333, 0.25]")
        #expect(try h.run("h[1]") == "0.5")
        #expect(try h.run("round(mean(h.loss), digits: 3)") == "0.521")
        #expect(try h.run("var n = 0\nfor l in h { n += 1 }\nn") == "4")
        let e = h.failure("h[9]")
        #expect(e?.kind == "IndexError")
        #expect(e?.column == 3)
        #expect(h.failure("h.los")?.suggestion == "loss")
    }

    @Test func resultBundleGetsPlainText() throws {
        let h = harness()
        let bundle = try #require(try h.session.execute("makeHistory()", in: h.context))
        #expect(bundle.data["text/html"]?.stringValue == "<b>history</b>")
        #expect(bundle.plainText == "History(3 epochs, final loss 1.5)")
        #expect(try h.run("[makeHistory()]") == "[History(3 epochs, final loss 1.5)]")
    }

    @Test func overloadsAreChosenByLabels() throws {
        let h = harness()
        #expect(try h.run("interpolate(1, from: 2, to: 3)") == "\"from-to\"")
        #expect(try h.run("interpolate(1, pairs: [])") == "\"pairs\"")
        let e = try #require(h.failure("interpolate(1, form: 2, to: 3)"))
        #expect(e.suggestion == "from:")
        #expect(e.message.contains("interpolate can be called as:"))
    }

    @Test func bodyErrorsPointAtTheArgument() throws {
        let h = harness()
        let e = try #require(h.failure("train(0, on: 0, epochs: -1)"))
        #expect(e.kind == "ValueError")
        #expect(e.column == 17)
        let engine = try #require(h.failure("let r = fail()"))
        #expect(engine.kind == "EngineError")
        #expect(engine.message == "the engine failed")
        #expect(engine.column == 9)
        #expect(h.session.value(of: "r") == nil)
    }

    @Test func exportUsesTheHostFileForm() throws {
        let h = harness()
        h.workingDirectory = "/tmp"
        let path = "/tmp/morphscript-history-\(getpid()).csv"
        try h.run("export(makeHistory(), to: \"\(path)\")")
        let file = try #require(fopen(path, "r"))
        var buffer = [UInt8](repeating: 0, count: 100)
        let n = fread(&buffer, 1, 100, file)
        fclose(file)
        unlink(path)
        #expect(String(decoding: buffer[0..<n], as: UTF8.self) == "3.0\n2.0\n1.5")
        let html = "/tmp/morphscript-history-\(getpid()).html"
        try h.run("export(makeHistory(), to: \"\(html)\")")
        #expect(unlink(html) == 0)
        #expect(h.failure("export(makeHistory(), to: \"a.png\")")?.message.contains("it can be exported as .html, .txt") == true)
    }

    @Test func typeOfHostValuesAndHelp() throws {
        let h = harness()
        #expect(try h.run("type(of: makeHistory())") == "\"History\"")
        try h.run("help(makeHistory())")
        #expect(h.sink.displayed.last?.plainText?.hasPrefix("History: Losses recorded by train(…).") == true)
    }

    @Test func optionalParameters() throws {
        let library = Library(name: "optional", builtins: [
            .function("describe", [.positional("value", .int), .labeled("unit", .optional(.string), default: Literal.none)],
                      returns: .string, summary: "A number with an optional unit.") { call in
                let value = try call.arguments.int("value")
                return .string(call.arguments.has("unit") ? "\(value) \(try call.arguments.string("unit"))" : "\(value)")
            },
        ])
        let h = Harness(session: Session(libraries: Library.standard + [library]))
        #expect(try h.run("describe(3)") == "\"3\"")
        #expect(try h.run("describe(3, unit: \"px\")") == "\"3 px\"")
        #expect(h.failure("describe(3, unit: 4)")?.message == "argument 'unit:' of describe must be String?, got Int")
        #expect(h.session.registry.functions["describe"]?.first?.signature == "describe(_ value: Int, unit: String? = none) -> String")
    }
}

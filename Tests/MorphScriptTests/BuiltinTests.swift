import Testing
import MorphEngine
import MorphJSON
import MorphRender
@testable import MorphScript
#if canImport(Glibc)
import Glibc
#endif

struct BuiltinTests {
    @Test func printAndEprint() throws {
        let h = Harness()
        try h.run("print(\"a\", 1, [2.5, \"s\"], true)\nprint(1, 2, separator: \", \", terminator: \"!\")\neprint(\"oops\")")
        #expect(h.sink.text() == "a 1 [2.5, \"s\"] true\n1, 2!")
        #expect(h.sink.text(.stderr) == "oops\n")
        try h.run("print()")
        #expect(h.sink.text().hasSuffix("!\n"))
    }

    @Test func showDisplaysMidCell() throws {
        let h = Harness()
        let result = try h.run("show(1 + 1)\nshow(\"x\")\n3")
        #expect(h.sink.displayed.map(\.plainText) == ["2", "\"x\""])
        #expect(result == "3")
    }

    @Test func inputReadsThroughTheHost() throws {
        let input = ScriptedInput(answers: ["Ada"])
        let h = Harness(input: input)
        #expect(try h.run("let who = input(\"Name: \")\n\"hi \\(who)\"") == "\"hi Ada\"")
        #expect(input.prompts.first?.0 == "Name: ")
        #expect(input.prompts.first?.1 == false)
        try h.run("input(\"pw\", password: true)")
        #expect(input.prompts.last?.1 == true)
    }

    @Test func clearAndHelp() throws {
        let h = Harness()
        try h.run("clear()\nclear(wait: true)")
        #expect(h.sink.events == [.clear(false), .clear(true)])
        try h.run("help(round)")
        let doc = try #require(h.sink.displayed.last)
        #expect(doc.plainText?.hasPrefix("round(_ x: Number, digits: Int = 0) -> Double") == true)
        #expect(doc.data["text/markdown"]?.stringValue?.contains("```swift") == true)
        try h.run("help(\"print\")")
        #expect(h.sink.displayed.last?.plainText?.contains("separator: String = \" \"") == true)
        try h.run("help()")
        #expect(h.sink.displayed.last?.plainText?.contains("mean — The arithmetic mean") == true)
        try h.run("help([1])")
        #expect(h.sink.displayed.last?.plainText?.contains("append(_ element: Any)") == true)
        try h.run("help(\"prnt\")")
        #expect(h.sink.displayed.last?.plainText?.contains("Did you mean 'print'?") == true)
    }

    @Test(arguments: [
        ("mean([1, 2, 3, 4])", "2.5"),
        ("sum([1, 2, 3])", "6"),
        ("sum([1, 2.5])", "3.5"),
        ("min([3, 1, 2])", "1"),
        ("max([3, 1.5, 2])", "3"),
        ("min(4, 2.5, 9)", "2.5"),
        ("max(1, 2)", "2"),
        ("sqrt(16)", "4.0"),
        ("abs(-3)", "3"),
        ("abs(-2.5)", "2.5"),
        ("round(2.5)", "3.0"),
        ("round(-2.5)", "-3.0"),
        ("round(3.14159, digits: 2)", "3.14"),
        ("round(1234, digits: -2)", "1200.0"),
        ("count([1, 2])", "2"),
        ("count(\"abc\")", "3"),
        ("count(0..<5)", "5"),
        ("String(1.5) + str(2)", "\"1.52\""),
        ("Int(2.9)", "2"),
        ("Int(\" 42 \")", "42"),
        ("Double(\"0.5\")", "0.5"),
        ("type(of: 1.5)", "\"Double\""),
        ("type(of: [1])", "\"Array\""),
        ("pow(2, 10)", "1024.0"),
        ("log(exp(2))", "2.0"),
        ("stride(from: 0, to: 10, by: 3)", "[0, 3, 6, 9]"),
        ("stride(from: 0, to: 1, by: 0.25)", "[0.0, 0.25, 0.5, 0.75]"),
        ("stride(from: 3, to: 0, by: -1)", "[3, 2, 1]"),
        ("stride(from: 0, to: 3, by: -1)", "[]"),
        ("stride(from: -9223372036854775807, to: 9223372036854775807, by: 9223372036854775807)", "[-9223372036854775807, 0]"),
        ("\"e\u{301}x\".split(separator: \"é\")", "[\"\", \"x\"]"),
    ])
    func numericToolkit(_ code: String, _ expected: String) throws {
        #expect(try Harness().run(code) == expected)
    }

    @Test func exportWritesFilesRelativeToTheWorkingDirectory() throws {
        let h = Harness()
        let directory = "/tmp/morphscript-test-\(getpid())"
        h.workingDirectory = directory
        try h.run("export([1, 2.5, \"a,b\"], to: \"out/values.csv\")\nexport([[1, 2], [3, 4]], to: \"grid.csv\")\nexport(\"hello\", to: \"note.txt\")\nexport([1, 2], to: \"v.json\")")
        #expect(read("\(directory)/out/values.csv") == "1\n2.5\n\"a,b\"\n")
        #expect(h.sink.text().contains("exported Array to \(directory)/out/values.csv (12 bytes)\n"), "\(h.sink.text())")
        #expect(read("\(directory)/grid.csv") == "1,2\n3,4\n")
        #expect(read("\(directory)/note.txt") == "hello\n")
        #expect(try JSON.parse(read("\(directory)/v.json") ?? "") == JSON.array([1, 2]))
        let noExtension = h.failure("export(1, to: \"file\")")
        #expect(noExtension?.kind == "ValueError")
        #expect(noExtension?.message.contains("no file extension") == true)
        let wrongFormat = h.failure("export(1, to: \"a.png\")")
        #expect(wrongFormat?.message.contains("cannot export a Int as .png; it can be exported as .txt, .json") == true)
        #expect(wrongFormat?.column == 11)
        for file in ["out/values.csv", "grid.csv", "note.txt", "v.json"] { unlink("\(directory)/\(file)") }
        rmdir("\(directory)/out")
        rmdir(directory)
    }

    @Test func displayIDsAreUniqueAndUpdateInPlace() throws {
        let library = Library(name: "progress", builtins: [
            .function("progress", summary: "Shows and updates a counter.") { call in
                let id = call.context.newDisplayID("progress")
                call.context.display(MimeBundle(plainText: "0"), id: id)
                call.context.updateDisplay(MimeBundle(plainText: "1"), id: id)
                return .string(id)
            },
        ])
        let h = Harness(session: Session(libraries: Library.standard + [library]))
        let first = try h.run("progress()")
        let second = try h.run("progress()")
        #expect(first != second)
        let id = String((first ?? "").dropFirst().dropLast())
        #expect(h.sink.events.prefix(2) == [.display(MimeBundle(plainText: "0"), id), .update(MimeBundle(plainText: "1"), id)])
    }

    @Test func base64Decoding() {
        #expect(FileWriter.decodeBase64("aGVsbG8=") == Array("hello".utf8))
        #expect(FileWriter.decodeBase64("aGVsbG8gd29ybGQ=") == Array("hello world".utf8))
        #expect(FileWriter.decodeBase64("YQ==") == Array("a".utf8))
        #expect(FileWriter.decodeBase64("!!") == nil)
    }

    private func read(_ path: String) -> String? {
        (try? readFileBytes(path)).map { String(decoding: $0, as: UTF8.self) }
    }
}

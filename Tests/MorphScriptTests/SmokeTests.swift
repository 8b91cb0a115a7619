import Testing
@testable import MorphScript

@Test func smoke() throws {
    let h = Harness()
    #expect(try h.run("let x = 1 + 2 * 3\nx") == "7")
    #expect(try h.run("var a = [1, 2.5, \"s\"]\na.append(true)\na") == "[1, 2.5, \"s\", true]")
    #expect(try h.run("print(\"x is \\(x)\", 2, separator: \"-\")") == nil)
    #expect(h.sink.text() == "x is 7-2\n")
    #expect(try h.run("round(3.14159, digits: 2)") == "3.14")
    let e = h.failure("let y = 1\nlet z = rond(2.5)")
    print(e?.description ?? "nil")
    #expect(e?.suggestion == "round")
    #expect(h.session.value(of: "y") != nil)
    #expect(h.session.value(of: "z") == nil)
    print(h.failure("round(2, digts: 3)")?.description ?? "")
    print(h.failure("let q = (1 + ")?.description ?? "")
    print(h.failure("[1,2][5]")?.description ?? "")
    print(h.failure("var s = 0\nfor i in 0..<10 { s += i }\ns")?.description ?? "ok")
    #expect(try h.run("s") == "45")
}

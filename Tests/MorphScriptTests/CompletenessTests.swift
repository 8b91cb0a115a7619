import Testing
@testable import MorphScript

struct CompletenessTests {
    @Test(arguments: [
        "",
        "let x = 1",
        "print(\"hi\")",
        "if x { 1 } else { 2 }",
        "for i in 0..<3 {\n    print(i)\n}",
        "// just a comment",
        "/* a /* nested */ block */",
        "x = [1,\n 2]",
    ])
    func complete(_ code: String) {
        #expect(Session().completeness(of: code) == .complete)
    }

    @Test(arguments: [
        ("print(1,", "    "),
        ("let a = [1, 2,", "    "),
        ("if x {", "    "),
        ("for i in 0..<3 {\n    if i > 1 {", "        "),
        ("let s = \"abc", ""),
        ("let s = \"a \\(b", ""),
        ("/* comment", ""),
        ("/* outer /* inner */", ""),
        ("let x = 1 +", ""),
        ("let x =", ""),
        ("x &&", ""),
        ("if x { 1 } else", ""),
        ("data.test[", "    "),
        ("f(\n  a,", "    "),
        ("if a {\n    f(", "        "),
    ])
    func incomplete(_ code: String, _ indent: String) {
        #expect(Session().completeness(of: code) == .incomplete(indent: indent))
    }

    @Test(arguments: [
        ")",
        "print(1))",
        "let x = 1 }",
        "let = 5",
        "1 +* 2",
        "let s = \"abc\nlet t = 1",
        "x @ y",
        "]",
        "f(a: {",
    ])
    func invalid(_ code: String) {
        #expect(Session().completeness(of: code) == .invalid)
    }
}

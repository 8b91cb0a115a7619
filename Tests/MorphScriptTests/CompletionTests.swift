import Testing
@testable import MorphScript

/// A session with a few variables and a test library declaring `train`, an overloaded
/// `interpolate`, and a `History` host type.
private func session() throws -> Session {
    let session = Session(libraries: Library.standard + [TestLibrary.library])
    let h = Harness(session: session)
    try h.run("let data = 1\nlet datum = 2.5\nvar names = [\"a\"]\nlet greeting = \"hi\"\nlet history = makeHistory()")
    return session
}

/// The completions of `code` with the cursor at `marker` ("|"), removed from the text.
private func complete(_ marked: String, in session: Session) -> CompletionResult {
    let scalars = Array(marked.unicodeScalars)
    let cursor = scalars.firstIndex(of: "|") ?? scalars.count
    var code = marked
    if let bar = code.firstIndex(of: "|") { code.remove(at: bar) }
    return session.completions(in: code, cursor: cursor)
}

private func texts(_ result: CompletionResult) -> [String] { result.matches.map(\.text) }

struct CompletionTests {
    @Test func variablesAndBuiltinsByPrefix() throws {
        let s = try session()
        let result = complete("let y = dat|", in: s)
        #expect(texts(result) == ["data", "datum"])
        #expect(result.cursorStart == 8 && result.cursorEnd == 11)
        #expect(result.matches[0].type == "variable")
        #expect(result.matches[0].signature == "Int")
        let functions = complete("pri|", in: s)
        #expect(texts(functions) == ["print"])
        #expect(functions.matches[0].type == "function")
        #expect(functions.matches[0].signature.hasPrefix("print(_ items: Any..."))
        #expect(texts(complete("m|", in: s)) == ["makeHistory", "max", "mean", "min"])
    }

    @Test func keywords() throws {
        let s = try session()
        let result = complete("wh|", in: s)
        #expect(result.matches.first { $0.text == "while" }?.type == "keyword")
        #expect(texts(complete("for x i|", in: s)).contains("in"))
    }

    @Test func membersAfterADot() throws {
        let s = try session()
        let array = complete("names.|", in: s)
        #expect(texts(array).contains("append"))
        #expect(texts(array).contains("count"))
        #expect(array.matches.first { $0.text == "count" }?.type == "property")
        #expect(array.matches.first { $0.text == "append" }?.type == "function")
        #expect(array.cursorStart == 6)
        let prefixed = complete("print(names.co|)", in: s)
        #expect(texts(prefixed) == ["contains", "count"])
        #expect(prefixed.cursorStart == 12 && prefixed.cursorEnd == 14)
        #expect(texts(complete("greeting.up|", in: s)) == ["uppercased"])
        #expect(texts(complete("history.|", in: s)) == ["epochs", "loss"])
        #expect(complete("history.|", in: s).matches[1].signature == "History.loss: [Double]")
        // Chains use declared return types: loss is [Double], its element a Double.
        #expect(texts(complete("history.loss.|", in: s)).contains("count"))
        #expect(texts(complete("makeHistory().|", in: s)) == ["epochs", "loss"])
        #expect(texts(complete("\"abc\".has|", in: s)) == ["hasPrefix", "hasSuffix"])
        #expect(texts(complete("[1, 2].so|", in: s)) == ["sorted"])
        #expect(texts(complete("names[0].low|", in: s)) == ["lowercased"])
        #expect(texts(complete("names[0..<1].cou|", in: s)) == ["count"])
        #expect(texts(complete("unknown.|", in: s)).isEmpty)
    }

    @Test func argumentLabelsInsideACall() throws {
        let s = try session()
        let labels = complete("train(data, |", in: s)
        #expect(Array(texts(labels).prefix(2)) == ["on:", "epochs:"])
        #expect(labels.matches[0].type == "parameter")
        #expect(labels.matches[1].signature == "epochs: Int = 5")
        #expect(texts(labels).contains("data"))
        let used = complete("train(data, on: data, |", in: s)
        #expect(texts(used).first == "epochs:")
        #expect(!texts(used).contains("on:"))
        let prefixed = complete("train(data, ep|", in: s)
        #expect(texts(prefixed) == ["epochs:", "eprint"])
        #expect(prefixed.cursorStart == 12)
        let overloads = complete("interpolate(data, |", in: s)
        #expect(Array(texts(overloads).prefix(4)) == ["from:", "to:", "steps:", "pairs:"])
        let nested = complete("print(round(1.5, |", in: s)
        #expect(texts(nested).first == "digits:")
        let method = complete("names.joined(|", in: s)
        #expect(texts(method).first == "separator:")
        let afterValue = complete("train(data|", in: s)
        #expect(texts(afterValue) == ["data"])
    }

    @Test func nonASCIITextBeforeTheCursor() throws {
        let s = try session()
        for prefix in ["let é = 1; ", "let s = \"😀 emoji\"; ", "// über ✓\n", "let ü = \"e\u{301}\"; "] {
            let code = prefix + "dat"
            let cursor = code.unicodeScalars.count
            let result = s.completions(in: code, cursor: cursor)
            #expect(texts(result) == ["data", "datum"], "prefix \(prefix)")
            #expect(result.cursorEnd == cursor)
            #expect(result.cursorStart == cursor - 3)
        }
        let emoji = complete("let 😀 = 1; names.cou|", in: s)
        #expect(emoji.cursorStart == 17 && emoji.cursorEnd == 20)
        let variable = Session()
        let h = Harness(session: variable)
        try h.run("let café = 1\nlet caffè = 2")
        #expect(texts(complete("caf|", in: variable)) == ["caffè", "café"])
        #expect(texts(complete("café|", in: variable)) == ["café"])
    }

    @Test func nothingInsideStringsOrComments() throws {
        let s = try session()
        #expect(complete("print(\"dat|", in: s).matches.isEmpty)
        #expect(complete("// dat|", in: s).matches.isEmpty)
        #expect(complete("/* dat|", in: s).matches.isEmpty)
        #expect(texts(complete("\"\\(dat|", in: s)) == ["data", "datum"])
        #expect(complete("1.|", in: s).matches.isEmpty || texts(complete("1.|", in: s)).allSatisfy { !$0.isEmpty })
    }

    @Test func namesDeclaredEarlierInTheCell() throws {
        let s = try session()
        #expect(texts(complete("let total = 1\nprint(tot|", in: s)) == ["total"])
        #expect(texts(complete("for item in names { ite| }", in: s)) == ["item"])
    }

    @Test func cursorOutOfRangeIsClamped() throws {
        let s = try session()
        let result = s.completions(in: "dat", cursor: 99)
        #expect(texts(result) == ["data", "datum"])
        #expect(s.completions(in: "dat", cursor: -5).cursorStart == 0)
    }

    @Test func typeNamesAfterAColonInADeclaration() throws {
        let s = try session()
        let result = complete("let x: D|", in: s)
        #expect(texts(result) == ["Double"])
        #expect(result.matches.first?.type == "class")
        #expect(texts(complete("var xs: [Hi|", in: s)) == ["History"])
        #expect(texts(complete("let y: |", in: s)).contains("Int"))
    }
}

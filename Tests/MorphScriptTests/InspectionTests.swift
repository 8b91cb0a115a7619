import Testing
@testable import MorphScript

private func session() throws -> Session {
    let session = Session(libraries: Library.standard + [TestLibrary.library])
    try Harness(session: session).run("let total = 42\nvar names = [\"a\", \"b\"]\nlet history = makeHistory()")
    return session
}

/// Inspects `marked` at the "|" marker.
private func inspect(_ marked: String, in session: Session, detail: Int = 0) -> (plain: String?, markdown: String?) {
    let scalars = Array(marked.unicodeScalars)
    let cursor = scalars.firstIndex(of: "|") ?? scalars.count
    var code = marked
    if let bar = code.firstIndex(of: "|") { code.remove(at: bar) }
    let bundle = session.inspection(of: code, cursor: cursor, detailLevel: detail)
    return (bundle?.plainText, bundle?.data["text/markdown"]?.stringValue)
}

struct InspectionTests {
    @Test func builtinSignatureAndDoc() throws {
        let s = try session()
        for marked in ["rou|nd(1.5)", "|round(1.5)", "round|(1.5)", "round(|1.5)", "round(1.5, |digits: 1)", "round(1.5, digits: 1|)"] {
            let result = inspect(marked, in: s)
            #expect(result.plain?.hasPrefix("round(_ x: Number, digits: Int = 0) -> Double\n\nA number rounded") == true, "\(marked)")
            #expect(result.markdown?.contains("```swift\nround(_ x: Number") == true)
            #expect(result.plain?.contains("round(3.14159, digits: 2) // 3.14") == true)
        }
    }

    @Test func overloadsShowEverySignature() throws {
        let s = try session()
        let plain = try #require(inspect("interpolate(|", in: s).plain)
        #expect(plain.contains("interpolate(_ model: Any, from: Any, to: Any, steps: Int = 10) -> String"))
        #expect(plain.contains("interpolate(_ model: Any, pairs: Array) -> String"))
    }

    @Test func variableTypeAndSummary() throws {
        let s = try session()
        let number = inspect("print(tot|al)", in: s)
        #expect(number.plain?.hasPrefix("total: Int\n42") == true)
        #expect(number.markdown?.hasPrefix("`total`: **Int**") == true)
        let host = inspect("history|", in: s, detail: 1)
        #expect(host.plain?.hasPrefix("history: History\nHistory(3 epochs, final loss 1.5)") == true)
        #expect(host.plain?.contains("History: Losses recorded by train(…).") == true)
        #expect(host.plain?.contains("History.loss: [Double] — Loss per epoch.") == true)
        #expect(inspect("history|", in: s, detail: 0).plain?.contains("Members:") == false)
    }

    @Test func membersAndLabels() throws {
        let s = try session()
        #expect(inspect("history.lo|ss", in: s).plain?.hasPrefix("History.loss: [Double]\n\nLoss per epoch.") == true)
        #expect(inspect("names.app|end(1)", in: s).plain?.hasPrefix("Array.append(_ element: Any)") == true)
        #expect(inspect("train(total, epo|chs: 3)", in: s).plain?.contains("epochs: passes over the data") == true)
    }

    @Test func nonASCIIBeforeTheCursor() throws {
        let s = try session()
        #expect(inspect("let é = \"😀 ü\"; rou|nd(1)", in: s).plain?.hasPrefix("round(") == true)
        #expect(inspect("/* ✓ é */ tot|al", in: s).plain?.hasPrefix("total: Int") == true)
        #expect(inspect("\"e\u{301}\" + String(tot|al)", in: s).plain?.hasPrefix("total: Int") == true)
    }

    @Test func typesAndNothing() throws {
        let s = try session()
        #expect(inspect("Hist|ory", in: s).plain?.hasPrefix("History: Losses recorded") == true)
        #expect(inspect("let x = 1 +| 2", in: s).plain == nil)
        #expect(inspect("unknownName|", in: s).plain == nil)
        #expect(inspect("", in: s).plain == nil)
        #expect(s.inspection(of: "total", cursor: 500, detailLevel: 0)?.plainText?.hasPrefix("total") == true)
    }

    @Test func keywords() throws {
        let s = try session()
        #expect(inspect("fo|r i in 0..<3 { }", in: s).plain?.hasPrefix("for name in sequence { … }") == true)
        #expect(inspect("var| y = 1", in: s).markdown?.hasPrefix("```swift\nvar name = value") == true)
    }
}

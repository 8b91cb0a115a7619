import Testing
import MorphEngine
@testable import MorphScript

/// Front ends send any text with any cursor: completion, inspection, is_complete and
/// execution must answer (or fail with a ScriptError), never trap.
struct RobustnessTests {
    /// A small seeded generator (SplitMix64), so failures reproduce.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let pieces = [
        "let ", "var ", "x", "names", "history", "data", " = ", "1", "2.5", "\"s\"", "\"a\\(x)b\"", "\"é😀\"",
        "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "\n", " ", "+", "-", "*", "/", "%", "==", "<", "&&", "!",
        "..<", "...", "if ", "else ", "for ", " in ", "while ", "print", "round", "train", "interpolate", "on:",
        "epochs:", "digits:", "count", "loss", "append", "//", "/*", "*/", "\\(", "é", "😀", "e\u{301}", "#|", "\"",
        "0..<3", "[1, 2]", "makeHistory()", "help", "break", "continue", "sqrt(", "min(", "x.", "names.",
    ]

    func snippet(_ rng: inout SplitMix) -> String {
        var text = ""
        for _ in 0..<(1 + Int(rng.next() % 14)) { text += rng.pick(Self.pieces) }
        return text
    }

    /// Cells that once trapped: each is an error of the named kind, and the session goes on.
    @Test(arguments: [
        ("count(-9000000000000000000..<9000000000000000000)", "ValueError"),
        ("(-9000000000000000000..<9000000000000000000).count", "ValueError"),
        ("(-9000000000000000000..<9000000000000000000)[5]", "ValueError"),
        ("shifted(data.test[0], by: [-9223372036854775807 - 1, 0])", nil),
        ("var s = \"ab\"\nfor i in 0..<40 { s = \"\\(s)\\(s)\" }", "ValueError"),
        ("infer(AutoEncoder(latent: 2), data.test[0], steps: 10, rate: 1e300)", "ValueError"),
        ("train(AutoEncoder(latent: 2), on: data, epochs: 1, learningRate: 1e300)", "ValueError"),
        ("stride(from: 0, to: -1e300, by: 1.0)", nil),
    ] as [(String, String?)])
    func cellsThatOnceTrappedAreErrors(code: String, kind: String?) throws {
        let h = Harness()
        try h.run("let data = dataset(\"synthetic\", classes: [0, 1], train: 16, test: 8)\nlet kept = 7")
        if let kind {
            #expect(h.failure(code)?.kind == kind, "\(code)")
        } else {
            #expect(throws: Never.self) { try h.run(code) }
        }
        #expect(try h.run("kept") == "7")
    }

    @Test func completionInspectionAndCompletenessAtEveryCursor() throws {
        let session = Session(libraries: Library.standard + [TestLibrary.library])
        try Harness(session: session).run("let x = 1\nvar names = [\"a\"]\nlet history = makeHistory()")
        var rng = SplitMix(state: 2026)
        for _ in 0..<400 {
            let code = snippet(&rng)
            let count = code.unicodeScalars.count
            _ = session.completeness(of: code)
            for cursor in -1...(count + 1) {
                let result = session.completions(in: code, cursor: cursor)
                #expect(result.cursorStart <= result.cursorEnd)
                #expect(result.cursorStart >= 0 && result.cursorEnd <= count)
                _ = session.inspection(of: code, cursor: cursor, detailLevel: cursor % 2)
            }
        }
    }

    @Test func randomCellsFailCleanly() {
        let h = Harness(session: Session(libraries: Library.standard + [TestLibrary.library]))
        var rng = SplitMix(state: 9015)
        for _ in 0..<600 {
            let code = snippet(&rng)
            guard !code.contains("while") else { continue }  // could loop forever by design
            do {
                _ = try h.session.execute(code, in: h.context)
            } catch {
                #expect(!error.kind.isEmpty)
                #expect(!error.message.isEmpty)
                if let line = error.line { #expect(line >= 1 && error.sourceLine != nil) }
            }
        }
    }

    /// A random well-formed expression, biased toward edge values.
    func expression(_ rng: inout SplitMix, depth: Int) -> String {
        let leaves = ["0", "1", "-1", "7", "9223372036854775807", "-9223372036854775807", "2.5", "0.0", "1e308", "-1e-308",
                      "\"\"", "\"é😀\"", "\"a,b\"", "true", "false", "[]", "[1, 2, 3]", "[0.5, -2]", "[\"x\"]", "xs", "n", "s"]
        guard depth > 0, rng.next() % 3 != 0 else { return rng.pick(leaves) }
        let a = expression(&rng, depth: depth - 1), b = expression(&rng, depth: depth - 1)
        switch rng.next() % 14 {
        case 0: return "(\(a) \(rng.pick(["+", "-", "*", "/", "%"])) \(b))"
        case 1: return "(\(a) \(rng.pick(["<", "<=", ">", ">=", "==", "!="])) \(b))"
        case 2: return "(\(a) \(rng.pick(["&&", "||"])) \(b))"
        case 3: return "\(rng.pick(["-", "!"]))(\(a))"
        case 4: return "(\(a)\(rng.pick(["..<", "..."]))\(b))"
        case 5: return "\(a)[\(b)]"
        case 6: return "[\(a), \(b)]"
        case 7: return "\(rng.pick(["mean", "sum", "min", "max", "count", "sqrt", "abs", "String", "Int", "Double", "exp", "log"]))(\(a))"
        case 8: return "round(\(a), digits: \(b))"
        case 9: return "pow(\(a), \(b))"
        case 10: return "stride(from: \(a), to: \(b), by: \(rng.pick(["1", "-1", "0", "0.5", "3"])))"
        case 11: return "\(a).\(rng.pick(["count", "first", "last", "isEmpty", "sorted()", "reversed()", "uppercased()", "lowerBound", "upperBound"]))"
        case 12: return "min(\(a), \(b))"
        default: return "\"\\(\(a)) and \\(\(b))\""
        }
    }

    @Test func randomWellFormedExpressionsNeverTrap() {
        let h = Harness()
        _ = try? h.run("var xs = [3, 1, 2]\nvar n = 4\nvar s = \"morph\"")
        var rng = SplitMix(state: 42)
        var outcomes: [String: Int] = [:]
        for _ in 0..<3000 {
            let code = "let v = " + expression(&rng, depth: 4) + "\nxs.append(1)\nv"
            do {
                _ = try h.session.execute(code, in: h.context)
                outcomes["ok", default: 0] += 1
            } catch {
                outcomes[error.kind, default: 0] += 1
                #expect(error.line != nil, "\(code): \(error)")
            }
            _ = try? h.run("xs = [3, 1, 2]")
        }
        #expect((outcomes["ok"] ?? 0) > 300)
        #expect(outcomes["SyntaxError"] == nil)
    }

    @Test func seedCorpusFilesParseWithoutTrapping() throws {
        // The fuzz seeds and every regression the fuzzer found, as plain tests.
        let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        // The seed corpus ships with the repository: finding none means the test looked in the wrong place.
        let seeds = FuzzFiles.list("/\(root)/fuzz/ScriptParser/corpus")
        try #require(!seeds.isEmpty, "no seed files in /\(root)/fuzz/ScriptParser/corpus")
        for directory in ["corpus", "regressions"] {
            for name in FuzzFiles.list("/\(root)/fuzz/ScriptParser/\(directory)") {
                let bytes = FuzzFiles.read("/\(root)/fuzz/ScriptParser/\(directory)/\(name)")
                let text = String(decoding: bytes, as: UTF8.self)
                _ = try? Parser.parse(text)
                let session = Session()
                _ = session.completeness(of: text)
                _ = session.completions(in: text, cursor: text.unicodeScalars.count / 2)
                _ = session.inspection(of: text, cursor: text.unicodeScalars.count / 2, detailLevel: 0)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Reading fuzz corpus files.
enum FuzzFiles {
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    static func read(_ path: String) -> [UInt8] {
        (try? readFileBytes(path)) ?? []
    }
}

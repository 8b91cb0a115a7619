import Testing
@testable import MorphScript
#if canImport(Glibc)
import Glibc
#endif

/// The deepest programs the parser accepts must also run on a small thread stack:
/// parsing and evaluation recursion is bounded (Parser.maximumNesting, maximumDepth).
struct StackDepthTests {
    /// Runs `body` on a thread with a `size`-byte stack and waits for it.
    private func onThread(stack size: Int, _ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, size)
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        #expect(created == 0)
        pthread_join(thread, nil)
        pthread_attr_destroy(&attributes)
    }

    /// 2 MB, or 8 MB (a kernel thread's default stack) under ThreadSanitizer, whose
    /// instrumentation makes every frame larger.
    private var stackSize: Int {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil ? 8 << 20 : 2 << 20
    }

    @Test func deepestAcceptedProgramsRunOnATwoMegabyteStackInDebugBuilds() {
        let chain = Array(repeating: "1", count: Parser.maximumDepth - 2).joined(separator: " + ")
        let parens = String(repeating: "(", count: Parser.maximumNesting - 2) + "2" + String(repeating: ")", count: Parser.maximumNesting - 2)
        let unary = String(repeating: "-", count: Parser.maximumNesting - 2) + "3"
        let blocks = String(repeating: "if true { ", count: Parser.maximumNesting / 2 - 1) + "let q = 1" + String(repeating: " }", count: Parser.maximumNesting / 2 - 1)
        let nestedArrays = String(repeating: "[", count: Parser.maximumNesting - 2) + String(repeating: "]", count: Parser.maximumNesting - 2)
        let subscripts = "x" + String(repeating: "[0]", count: Parser.maximumDepth - 2)
        let members = "x" + String(repeating: ".count", count: Parser.maximumDepth - 2)
        let calls = "[1]" + String(repeating: ".reversed()", count: Parser.maximumDepth / 2 - 2)
        var results: [String?] = []
        onThread(stack: stackSize) {
            let h = Harness()
            for code in [chain, parens, unary, blocks, nestedArrays, subscripts, members, calls] {
                do throws(ScriptError) { results.append(try h.run(code) ?? "none") } catch { results.append("\(error.kind): \(error.message)") }
            }
            for code in [chain, parens, unary, blocks, nestedArrays, subscripts, members, calls] {
                _ = h.session.completions(in: code, cursor: code.unicodeScalars.count / 2)
                _ = h.session.completeness(of: code)
            }
        }
        #expect(results.count == 8)
        #expect(results.first == "\(Parser.maximumDepth - 2)")
        #expect(results[1] == "2")
        #expect(results[3] == "none")
        #expect(results[5]?.hasPrefix("NameError") == true)
        #expect(results[6]?.hasPrefix("NameError") == true)
        #expect(results[7] == "[1]")
    }
}

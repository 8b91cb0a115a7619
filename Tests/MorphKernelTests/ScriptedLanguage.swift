#if canImport(Glibc)
import Glibc
#endif
import MorphEngine
import MorphRender
import MorphScript

@testable import MorphKernel

/// A tiny line-based stand-in for MorphScript, so the handlers' protocol behaviour is tested on
/// its own (the real interpreter is tested in RealSessionTests). One command per line:
/// `out TEXT`, `err TEXT`, `show TEXT` (display id "d"), `update TEXT`, `clear`, `fail`,
/// `ask PROMPT` (reads input, prints it), `interrupt`, `spin` (waits for an interrupt), `value TEXT` (the cell's result).
final class ScriptedLanguage: LanguageSession {
    var executed: [String] = []

    func execute(_ code: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle? {
        executed.append(code)
        var result: MimeBundle?
        for line in code.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            let command = parts.first.map(String.init) ?? ""
            let argument = parts.count > 1 ? String(parts[1]) : ""
            switch command {
            case "out": context.output.write(argument + "\n", to: .stdout)
            case "err": context.output.write(argument + "\n", to: .stderr)
            case "show": context.output.display(MimeBundle(plainText: argument), displayID: "d")
            case "update": context.output.updateDisplay(MimeBundle(plainText: argument), displayID: "d")
            case "clear": context.output.clearOutput(wait: false)
            case "fail": throw ScriptError(kind: "ValueError", message: "failed on purpose", line: 1, column: 1, sourceLine: "fail")
            case "ask":
                do {
                    let answer = try context.input.readLine(prompt: argument, password: false)
                    context.output.write("got \(answer)\n", to: .stdout)
                } catch let error as InputUnavailable {
                    throw ScriptError(kind: "InputUnavailable", message: error.reason)
                } catch {
                    throw ScriptError(kind: "Interrupted", message: "interrupted while waiting for input")
                }
            case "interrupt":
                context.cancellation.cancel()
                do { try context.cancellation.checkCancellation() } catch {
                    throw ScriptError(kind: "Interrupted", message: "the cell was interrupted")
                }
            case "spin":  // runs until interrupted (at most 10 s)
                for _ in 0..<10_000 {
                    if context.cancellation.isCancelled {
                        throw ScriptError(kind: "Interrupted", message: "the cell was interrupted")
                    }
                    usleep(1000)
                }
            case "value": result = MimeBundle(plainText: argument)
            default: throw ScriptError(kind: "NameError", message: "unknown command '\(command)'")
            }
        }
        return result
    }

    func evaluate(expression: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle {
        if expression == "answer" { return MimeBundle(plainText: "42") }
        throw ScriptError(kind: "NameError", message: "no '\(expression)'")
    }

    func completeness(of code: String) -> Completeness {
        if code.hasSuffix("{") { return .incomplete(indent: "    ") }
        if code.contains("}}") { return .invalid }
        return .complete
    }

    func completions(in code: String, cursor: Int) -> CompletionResult {
        let prefix = String(code.unicodeScalars.prefix(cursor))
        let words = ["out", "outline", "err"].filter { $0.hasPrefix(prefix) }
        return CompletionResult(
            matches: words.map { .init(text: $0, type: "function", signature: "\($0)(text)") }, cursorStart: 0,
            cursorEnd: cursor)
    }

    func inspection(of code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        code.hasPrefix("out") ? MimeBundle(data: ["text/plain": "out TEXT: writes to stdout", "text/markdown": "**out**"]) : nil
    }
}

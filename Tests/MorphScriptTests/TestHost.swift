import MorphEngine
import MorphRender
@testable import MorphScript

/// Records everything a cell sends to its host.
final class RecordingSink: OutputSink {
    enum Event: Equatable {
        case write(String, OutputStream)
        case display(MimeBundle, String?)
        case update(MimeBundle, String)
        case clear(Bool)
    }

    var events: [Event] = []

    func write(_ text: String, to stream: OutputStream) { events.append(.write(text, stream)) }
    func display(_ bundle: MimeBundle, displayID: String?) { events.append(.display(bundle, displayID)) }
    func updateDisplay(_ bundle: MimeBundle, displayID: String) { events.append(.update(bundle, displayID)) }
    func clearOutput(wait: Bool) { events.append(.clear(wait)) }

    /// Everything written to `stream`, concatenated.
    func text(_ stream: OutputStream = .stdout) -> String {
        events.compactMap { if case .write(let t, let s) = $0, s == stream { return t }; return nil }.joined()
    }

    /// The bundles displayed.
    var displayed: [MimeBundle] {
        events.compactMap { if case .display(let b, _) = $0 { return b }; return nil }
    }
}

/// Answers input() with queued lines, or refuses like a front end without stdin.
final class ScriptedInput: InputReader {
    var answers: [String]
    var prompts: [(String, Bool)] = []
    let allowed: Bool

    init(answers: [String] = [], allowed: Bool = true) {
        self.answers = answers
        self.allowed = allowed
    }

    func readLine(prompt: String, password: Bool) throws -> String {
        prompts.append((prompt, password))
        guard allowed else { throw InputUnavailable(reason: "allow_stdin is false") }
        return answers.isEmpty ? "" : answers.removeFirst()
    }
}

/// A session with recording host doubles, for tests.
final class Harness {
    let session: Session
    let sink = RecordingSink()
    let input: ScriptedInput
    let cancellation = CancellationToken()
    var workingDirectory = "/tmp"
    var stepLimit: Int?

    init(session: Session = Session(), input: ScriptedInput = ScriptedInput()) {
        self.session = session
        self.input = input
    }

    var context: ExecutionContext {
        ExecutionContext(output: sink, input: input, cancellation: cancellation, workingDirectory: workingDirectory, executionCount: 1,
                         stepLimit: stepLimit)
    }

    /// Runs a cell; returns its result's text/plain.
    @discardableResult
    func run(_ code: String) throws(ScriptError) -> String? {
        try session.execute(code, in: context)?.plainText
    }

    /// Runs a cell that must fail; returns its error.
    func failure(_ code: String) -> ScriptError? {
        do {
            _ = try session.execute(code, in: context)
            return nil
        } catch {
            return error
        }
    }
}

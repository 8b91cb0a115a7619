import Dispatch
import MorphEngine
import MorphJSON
import MorphRender
import MorphScript

/// Executes a notebook's code cells in order with one MorphScript session, as `morph run` does.
public struct NotebookRunner {
    /// What the runner reports as it goes (for a terminal progress line).
    public enum Event {
        /// A code cell is about to run: its position among code cells, their count, the first line.
        case cellStarted(index: Int, of: Int, firstLine: String)
        /// The cell finished, in seconds.
        case cellFinished(index: Int, seconds: Double)
        /// The cell raised an error.
        case cellFailed(index: Int, error: ScriptError)
    }

    /// How a run ended.
    public struct Outcome {
        /// The executed notebook, outputs filled in.
        public var notebook: Notebook
        /// The first error and the 1-based position of the cell (among all cells) that raised it.
        public var failure: (cell: Int, error: ScriptError)?
    }

    /// Parameters injected after the cell tagged `parameters`: name → MorphScript literal.
    public var parameters: [(name: String, literal: String)] = []
    /// Seconds a cell may run before it is interrupted (nil: no limit).
    public var timeout: Double?
    /// Whether to run on after a cell fails.
    public var allowErrors = false
    /// Where relative paths in cells resolve (exports).
    public var workingDirectory: String
    /// Called with progress events.
    public var progress: (Event) -> Void = { _ in }

    /// A runner whose cells resolve relative paths against `workingDirectory`.
    public init(workingDirectory: String) {
        self.workingDirectory = workingDirectory
    }

    /// Runs every code cell of `notebook` in a fresh session.
    public func run(_ notebook: Notebook) -> Outcome {
        var nb = notebook
        injectParameters(into: &nb)
        let session = Session()
        let recorder = OutputRecorder()
        let token = CancellationToken()
        let codeCells = nb.cells.indices.filter { nb.cells[$0].kind == .code }
        var failure: (cell: Int, error: ScriptError)?
        var count = 0
        for (position, i) in codeCells.enumerated() {
            nb.cells[i].outputs = []
            nb.cells[i].executionCount = nil
            if failure != nil && !allowErrors { continue }
            let source = nb.cells[i].source
            if source.allSatisfy(\.isWhitespace) { continue }
            count += 1
            recorder.currentCell = i
            token.reset()
            let firstLine = source.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            progress(.cellStarted(index: position + 1, of: codeCells.count, firstLine: firstLine))
            let started = DispatchTime.now().uptimeNanoseconds
            let timer = timeout.map { startTimer(seconds: $0, token: token) }
            let context = ExecutionContext(
                output: recorder, input: NoInput(), cancellation: token, workingDirectory: workingDirectory, executionCount: count)
            do {
                if let result = try session.execute(source, in: context) {
                    recorder.recordResult(result, executionCount: count)
                }
                progress(.cellFinished(index: position + 1, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
            } catch {
                var error = error
                if error.kind == "Interrupted", let timeout, token.isCancelled {
                    error.message = "the cell ran longer than the --timeout of \(Self.format(timeout)) s and was interrupted"
                }
                recorder.recordError(error)
                progress(.cellFailed(index: position + 1, error: error))
                if failure == nil { failure = (i + 1, error) }
            }
            timer?.cancel()
            nb.cells[i].executionCount = count
            nb.cells[i].outputs = recorder.outputs[i] ?? []
        }
        // Display updates may have changed earlier cells' outputs after they finished.
        for i in codeCells { if let outs = recorder.outputs[i] { nb.cells[i].outputs = outs } }
        nb.metadata["kernelspec"] = ["name": "morph", "display_name": "Morph", "language": "morph"]
        nb.metadata["language_info"] = Self.languageInfo
        // The widgets' last state, as JupyterLab saves it, so the notebook can show them without a kernel.
        if session.comms.openComms.isEmpty {
            nb.metadata["widgets"] = nil
        } else {
            nb.metadata["widgets"] = ["application/vnd.jupyter.widget-state+json": session.comms.notebookState()]
        }
        return Outcome(notebook: nb, failure: failure)
    }

    /// The language_info Morph advertises (kernel_info and notebooks alike).
    public static let languageInfo: JSON = [
        "name": "morph", "version": "0.1.0", "mimetype": "text/x-morph", "file_extension": ".morph",
        "codemirror_mode": "swift", "pygments_lexer": "swift",
    ]

    /// Replaces an earlier injected cell, or inserts one after the `parameters` cell (at the top if none).
    func injectParameters(into nb: inout Notebook) {
        guard !parameters.isEmpty else { return }
        nb.cells.removeAll { $0.tags.contains("injected-parameters") }
        let source = "// Parameters injected by morph run\n" + parameters.map { "let \($0.name) = \($0.literal)" }.joined(separator: "\n")
        var cell = Cell(id: "injected-parameters", kind: .code, source: source)
        cell.tags = ["injected-parameters"]
        let at = nb.cells.firstIndex { $0.tags.contains("parameters") }.map { $0 + 1 } ?? 0
        nb.cells.insert(cell, at: at)
        nb.ensureUniqueCellIDs()
    }

    private func startTimer(seconds: Double, token: CancellationToken) -> DispatchWorkItem {
        let item = DispatchWorkItem { token.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
        return item
    }

    static func format(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// Headless runs cannot answer `input(…)`.
final class NoInput: InputReader {
    func readLine(prompt: String, password: Bool) throws -> String {
        throw InputUnavailable(reason: "input() needs a front end that accepts input; `morph run` does not (pass the value with -p NAME=VALUE instead)")
    }
}

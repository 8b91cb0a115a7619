import MorphJSON
import MorphRender

/// An output sink that keeps what a widget callback shows as nbformat outputs (display_data,
/// stream, error), ready to become an Output widget's `outputs`.
final class OutputCapture: OutputSink {
    /// What was shown so far, in order.
    private(set) var outputs: [JSON] = []
    private var displayIndices: [String: [Int]] = [:]

    func write(_ text: String, to stream: OutputStream) {
        guard !text.isEmpty else { return }
        if let last = outputs.last, last["output_type"]?.stringValue == "stream",
           last["name"]?.stringValue == stream.rawValue, let earlier = last["text"]?.stringValue {
            outputs[outputs.count - 1] = OutputCapture.stream(earlier + text, stream)
        } else {
            outputs.append(OutputCapture.stream(text, stream))
        }
    }

    func display(_ bundle: MimeBundle, displayID: String?) {
        if let displayID { displayIndices[displayID, default: []].append(outputs.count) }
        outputs.append(OutputCapture.displayData(bundle))
    }

    func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        for index in displayIndices[displayID] ?? [] where outputs.indices.contains(index) {
            outputs[index] = OutputCapture.displayData(bundle)
        }
    }

    func clearOutput(wait: Bool) {
        outputs.removeAll()
        displayIndices.removeAll()
    }

    /// Appends `error` as an nbformat error output (shown with its traceback).
    func append(_ error: ScriptError) {
        outputs.append([
            "output_type": "error", "ename": .string(error.kind), "evalue": .string(error.value),
            "traceback": .array(error.traceback.map { .string($0) }),
        ])
    }

    /// A display_data output holding `bundle`.
    static func displayData(_ bundle: MimeBundle) -> JSON {
        ["output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
    }

    /// A stream output.
    static func stream(_ text: String, _ stream: OutputStream) -> JSON {
        ["output_type": "stream", "name": .string(stream.rawValue), "text": .string(text)]
    }
}

/// The stdin of a widget callback: there is no prompt to answer, so `input(…)` fails clearly.
final class NoInput: InputReader {
    func readLine(prompt: String, password: Bool) throws -> String {
        throw InputUnavailable(reason: "input(…) cannot be answered inside a widget callback; read the value in a cell instead")
    }
}

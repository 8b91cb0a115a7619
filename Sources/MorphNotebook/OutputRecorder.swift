import MorphJSON
import MorphRender
import MorphScript

/// Records what cells show as nbformat outputs, the way a front end would keep them:
/// consecutive stream text merged, display ids updated in place, clear_output honoured.
public final class OutputRecorder: OutputSink {
    /// Outputs of each cell, by cell index.
    public private(set) var outputs: [Int: [JSON]] = [:]
    /// The cell outputs currently go to.
    public var currentCell = 0
    private var displays: [String: [(cell: Int, index: Int)]] = [:]
    private var pendingClear = false

    /// An empty recorder.
    public init() {}

    /// Appends an `execute_result`.
    public func recordResult(_ bundle: MimeBundle, executionCount: Int) {
        append([
            "output_type": "execute_result", "execution_count": JSON(executionCount),
            "data": .object(Self.nbformatData(bundle.data)), "metadata": .object(bundle.metadata),
        ])
    }

    /// Appends an `error` output.
    public func recordError(_ error: ScriptError) {
        append([
            "output_type": "error", "ename": .string(error.kind), "evalue": .string(error.value),
            "traceback": .array(error.traceback.map(JSON.string)),
        ])
    }

    public func write(_ text: String, to stream: OutputStream) {
        flushPendingClear()
        var list = outputs[currentCell, default: []]
        if let last = list.last, last["output_type"]?.stringValue == "stream", last["name"]?.stringValue == stream.rawValue,
            let old = last["text"]?.stringValue
        {
            list[list.count - 1]["text"] = .string(old + text)
            outputs[currentCell] = list
            return
        }
        append(["output_type": "stream", "name": .string(stream.rawValue), "text": .string(text)])
    }

    public func display(_ bundle: MimeBundle, displayID: String?) {
        append(Self.displayData(bundle))
        if let displayID {
            displays[displayID, default: []].append((currentCell, outputs[currentCell, default: []].count - 1))
        }
    }

    public func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        for place in displays[displayID] ?? [] where place.index < outputs[place.cell, default: []].count {
            outputs[place.cell]![place.index] = Self.displayData(bundle)
        }
    }

    public func clearOutput(wait: Bool) {
        if wait { pendingClear = true } else { clear() }
    }

    private func clear() {
        pendingClear = false
        outputs[currentCell] = []
        for (id, places) in displays { displays[id] = places.filter { $0.cell != currentCell } }
    }

    private func flushPendingClear() {
        if pendingClear { clear() }
    }

    private func append(_ output: JSON) {
        flushPendingClear()
        outputs[currentCell, default: []].append(output)
    }

    static func displayData(_ bundle: MimeBundle) -> JSON {
        ["output_type": "display_data", "data": .object(nbformatData(bundle.data)), "metadata": .object(bundle.metadata)]
    }

    /// Text types as nbformat stores them (lists of lines); JSON and base64 kept as they are.
    static func nbformatData(_ data: [String: JSON]) -> [String: JSON] {
        var out: [String: JSON] = [:]
        for (mime, value) in data {
            if case .string(let s) = value, mime.hasPrefix("text/") || mime == "image/svg+xml" {
                out[mime] = Cell.lines(s)
            } else {
                out[mime] = value
            }
        }
        return out
    }
}

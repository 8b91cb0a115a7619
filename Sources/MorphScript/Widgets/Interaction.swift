import MorphEngine
import MorphJSON
import MorphRender

/// The live binding of `interact(builtin, arguments…)`: the builtin runs again with the controls'
/// current values whenever one of them moves, and what it shows replaces the output area. A
/// failing run shows its error there (and is reported to the host); the controls stay live.
final class Interaction {
    /// The builtin's name, as called.
    let name: String
    private let overloads: [Builtin]
    /// The arguments as written; those at `controls`' indices are read from the controls.
    private let arguments: [EvaluatedArgument]
    private let controls: [(index: Int, widget: WidgetValue)]
    private weak var session: Session?
    private let position: SourcePosition
    private let workingDirectory: String
    private let executionCount: Int
    /// The host's interrupt flag: an interrupt stops a rerun like a cell.
    private let cancellation: CancellationToken
    private weak var output: Widget?

    private init(
        name: String, overloads: [Builtin], arguments: [EvaluatedArgument], controls: [(index: Int, widget: WidgetValue)],
        session: Session, position: SourcePosition, execution: ExecutionContext
    ) {
        self.name = name
        self.overloads = overloads
        self.arguments = arguments
        self.controls = controls
        self.session = session
        self.position = position
        workingDirectory = execution.workingDirectory
        executionCount = execution.executionCount
        cancellation = execution.cancellation
    }

    /// Binds `function` to `arguments` (controls among them) and runs it once; a bad binding or
    /// a failing first run throws here, in the cell.
    static func make(_ call: Invocation) throws(ScriptError) -> WidgetValue {
        let context = call.context
        guard case .function(let name) = call.arguments["function"], let overloads = context.session.registry.functions[name] else {
            throw call.arguments.error("TypeError", "interact's first argument must be a builtin function such as interpolate, got \(call.arguments["function"].typeName)", at: "function")
        }
        if overloads.contains(where: { $0.returns.name == "Widget" }) {
            throw call.arguments.error("TypeError", "interact cannot rerun \(name), which makes widgets itself; pass a builtin that computes a result, such as interpolate", at: "function")
        }
        let arguments = call.arguments.forwarded
        var controls: [(index: Int, widget: WidgetValue)] = []
        for (index, argument) in arguments.enumerated() {
            if case .host(let widget as WidgetValue) = argument.value { controls.append((index, widget)) }
        }
        guard !controls.isEmpty else {
            throw call.arguments.error("ValueError", "interact needs a control among \(name)'s arguments, e.g. steps: slider(2...20); without one, call \(name) directly", at: "function")
        }
        let interaction = Interaction(name: name, overloads: overloads, arguments: arguments, controls: controls,
                                      session: context.session, position: context.position, execution: context.execution)
        let outputs = try interaction.run()
        let hub = context.session.comms
        let output = Controls.output(outputs, in: hub)
        interaction.output = output
        var shown: [Widget] = []
        for (index, control) in controls {
            let widget = control.control
            guard !shown.contains(where: { $0 === widget }) else { continue }
            shown.append(widget)
            if let label = arguments[index].label, widget["description"]?.stringValue?.isEmpty ?? true {
                widget.update(["description": .string(label)])
            }
            let previous = widget.onChange
            widget.onChange = { changed, keys in
                try previous?(changed, keys)
                guard keys.contains("value") else { return }
                try interaction.refresh()
            }
        }
        let root = Controls.box(shown + [output], vertical: true, in: hub)
        return WidgetValue(root: root, control: controls[0].widget.control)
    }

    /// Runs the builtin again and shows what it shows; on failure shows the error and rethrows it.
    func refresh() throws(ScriptError) {
        do {
            let outputs = try run()
            output?.update(["outputs": .array(outputs)])
        } catch {
            var shown = error
            shown.line = nil
            shown.column = nil
            shown.sourceLine = nil
            let capture = OutputCapture()
            capture.append(shown)
            output?.update(["outputs": .array(capture.outputs)])
            throw shown
        }
    }

    /// Runs the builtin with the controls' current values; returns what it showed and its
    /// result as nbformat outputs.
    func run() throws(ScriptError) -> [JSON] {
        guard let session else { throw ScriptError(kind: "ValueError", message: "the session of this interact has ended") }
        var current = arguments
        for (index, control) in controls { current[index].value = control.currentValue }
        let capture = OutputCapture()
        // Like a cell, a rerun clears an interrupt that came while the kernel was idle.
        cancellation.reset()
        let execution = ExecutionContext(output: capture, input: NoInput(), cancellation: cancellation,
                                         workingDirectory: workingDirectory, executionCount: executionCount)
        let (builtin, bound) = try ArgumentBinder.bind(overloads, current, callName: name, at: position)
        var invocation = Invocation(receiver: .none, arguments: bound,
                                    context: CallContext(execution: execution, session: session, position: position))
        let value: Value
        do {
            value = try builtin.body(&invocation)
        } catch {
            throw ScriptError.converting(error).placed(at: position)
        }
        if case .host(let object) = value, let leading = object as? any LeadingDisplays {
            for bundle in leading.leadingBundles { capture.display(bundle, displayID: nil) }
        }
        if !value.isNone { capture.display(value.displayBundle, displayID: nil) }
        return capture.outputs
    }
}

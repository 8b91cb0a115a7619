import MorphJSON
import MorphRender

/// A widget as cells see it: shown as the widget (`application/vnd.jupyter.widget-view+json`) in
/// front ends with a widget manager, as text elsewhere; `value` reads its current value.
public final class WidgetValue: HostValue {
    /// The widget shown (a box holding the control and what it drives, or the control itself).
    public let root: Widget
    /// The widget whose `value` the cell reads.
    public let control: Widget

    /// A value showing `root` and reading `control`.
    public init(root: Widget, control: Widget) {
        self.root = root
        self.control = control
    }

    public var typeName: String { "Widget" }

    public var summary: String {
        let name = control.modelName.hasSuffix("Model") ? String(control.modelName.dropLast(5)) : control.modelName
        let value = control["value"].map { $0.serialized() } ?? "none"
        return "\(name)(value: \(value))"
    }

    public func displayBundle() -> MimeBundle {
        MimeBundle(data: [
            "text/plain": .string(summary),
            "application/vnd.jupyter.widget-view+json": [
                "model_id": .string(root.id), "version_major": 2, "version_minor": 1,
            ],
        ])
    }

    /// The control's current value as a cell value.
    var currentValue: Value {
        switch control["value"] {
        case .number(let x)?: return x.rounded() == x && abs(x) < 9.0e15 ? .int(Int(x)) : .double(x)
        case .string(let s)?: return .string(s)
        case .bool(let b)?: return .bool(b)
        default: return .none
        }
    }
}

extension Library {
    /// Widgets: a slider that displays in JupyterLab (the widget protocol's demonstration).
    public static let widgets = Library(name: "widgets", builtins: [
        .function("slider", [
            .labeled("min", .int, default: .int(0), doc: "the smallest value"),
            .labeled("max", .int, default: .int(100), doc: "the largest value"),
            .labeled("value", .optional(.int), default: Literal.none, doc: "where it starts (min when omitted)"),
            .labeled("description", .string, default: .string(""), doc: "the label in front of it"),
        ], returns: .host("Widget"), summary: "An integer slider with a label the kernel keeps at its value.",
        doc: "In JupyterLab the slider is a live widget: moving it sends the value to the kernel, which rewrites the label beside it; `s.value` reads the value in a later cell. Elsewhere (nbconvert, morph run) it shows as text, and the notebook keeps the widget's last state.\nExample:\n    let s = slider(min: 2, max: 20, value: 5)\n    s.value") { call in
            let low = try call.arguments.int("min")
            let high = try call.arguments.int("max")
            guard low <= high else {
                throw ScriptError(kind: "ValueError", message: "slider needs min ≤ max, got \(low) and \(high)")
            }
            let start = call.arguments.has("value") ? try call.arguments.int("value") : low
            guard (low...high).contains(start) else {
                throw ScriptError(kind: "ValueError", message: "slider value \(start) is outside \(low)...\(high)")
            }
            let hub = call.context.session.comms
            let description = try call.arguments.string("description")
            let control = Controls.intSlider(value: start, min: low, max: high, description: description, in: hub)
            let label = Controls.label("value = \(start)", in: hub)
            control.onChange = { widget, keys in
                guard keys.contains("value") else { return }
                guard let value = widget["value"]?.intValue else {
                    throw ScriptError(kind: "TypeError", message: "the slider's value must be an integer, got \(widget["value"]?.serialized() ?? "nothing")")
                }
                label.update(["value": .string("value = \(value)")])
            }
            let row = Controls.box([control, label], vertical: false, in: hub)
            return .host(WidgetValue(root: row, control: control))
        },
        .property(of: WidgetValue.self, on: "Widget", "value", returns: .any,
                  summary: "The control's current value (as the front end last set it).") { widget in
            widget.currentValue
        },
    ], types: [TypeDoc(name: "Widget", summary: "A live control in JupyterLab (text elsewhere); `value` reads it.")])
}

import MorphJSON

extension Library {
    /// Widgets: sliders that display in JupyterLab, and `interact`, which reruns a builtin as
    /// controls among its arguments move.
    public static let widgets = Library(name: "widgets", builtins: [
        .function("slider", [
            .labeled("min", .int, default: .int(0), doc: "the smallest value"),
            .labeled("max", .int, default: .int(100), doc: "the largest value"),
            .labeled("value", .optional(.int), default: Literal.none, doc: "where it starts (min when omitted)"),
            .labeled("description", .string, default: .string(""), doc: "the label in front of it"),
        ], returns: .host("Widget"), summary: "An integer slider with a label the kernel keeps at its value.",
        doc: "In JupyterLab the slider is a live widget: moving it sends the value to the kernel, which rewrites the label beside it; `s.value` reads the value in a later cell. Elsewhere (nbconvert, morph run) it shows as text, and the notebook keeps the widget's last state.\nExample:\n    let s = slider(min: 2, max: 20, value: 5)\n    s.value") { call in
            try makeSlider(low: try call.arguments.int("min"), high: try call.arguments.int("max"), call)
        },
        .function("slider", [
            .positional("range", .range, doc: "the values it takes, e.g. 2...20"),
            .labeled("value", .optional(.int), default: Literal.none, doc: "where it starts (the range's first value when omitted)"),
            .labeled("description", .string, default: .string(""), doc: "the label in front of it"),
        ], returns: .host("Widget"), summary: "An integer slider over a range, e.g. for interact.",
        doc: "Example:\n    interact(interpolate, conv, from: a, to: b, steps: slider(2...20, value: 10))") { call in
            guard case .range(let range) = call.arguments["range"], let bounds = range.fullBounds, !bounds.isEmpty else {
                throw call.arguments.error("ValueError", "slider needs a range with both ends and at least one value, such as 2...20, got \(call.arguments["range"].repr)", at: "range")
            }
            return try makeSlider(low: bounds.lowerBound, high: bounds.upperBound - 1, call)
        },
        .function("interact", [
            .positional("function", .function, doc: "the builtin to rerun, e.g. interpolate"),
            .forwarded("arguments", doc: "its arguments as in a call; a control such as slider(2...20) stands in for any of them"),
        ], returns: .host("Widget"),
        summary: "Reruns a builtin whenever a control among its arguments moves, replacing what it shows.",
        doc: """
            The builtin and its arguments are written as in a call, with a control (a slider) in place of \
            any argument; the call runs once in the cell, then again with the controls' current values each \
            time one moves, and its display replaces the output area under the controls. An error in a rerun \
            is shown there instead; the controls stay live.
            Example:
                interact(interpolate, conv, from: data.test[3], to: data.test[42], steps: slider(2...20, value: 10))
            """) { call in
            .host(try Interaction.make(call))
        },
        .property(of: WidgetValue.self, on: "Widget", "value", returns: .any,
                  summary: "The control's current value (as the front end last set it).") { widget in
            widget.currentValue
        },
    ], types: [TypeDoc(name: "Widget", summary: "A live control in JupyterLab (text elsewhere); `value` reads it.")])

    /// An integer slider over low...high with its value label, from a call's `value` and `description`.
    private static func makeSlider(low: Int, high: Int, _ call: Invocation) throws(ScriptError) -> Value {
        guard low <= high else {
            throw ScriptError(kind: "ValueError", message: "slider needs min ≤ max, got \(low) and \(high)")
        }
        let start = call.arguments.has("value") ? try call.arguments.int("value") : low
        guard (low...high).contains(start) else {
            throw call.arguments.error("ValueError", "slider value \(start) is outside \(low)...\(high)", at: "value")
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
    }
}

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

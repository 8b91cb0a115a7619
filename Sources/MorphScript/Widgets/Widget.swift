import MorphJSON

/// One Jupyter widget model: its comm id, its synchronised state (JSON attributes and top-level
/// binary attributes) and what runs when the front end changes it. Created through a `CommHub`,
/// which carries its messages; owned by the thread that runs cells.
public final class Widget {
    /// The comm id, which is also the model id front ends use.
    public let id: String
    /// The JSON attributes (`value`, `min`, `description`, `_model_name`, …).
    public private(set) var state: [String: JSON]
    /// The binary attributes (e.g. an Image's `value`), sent as buffers.
    public private(set) var binary: [String: [UInt8]]
    /// Called with the widget and the changed attribute names after the front end changed it
    /// (once for a burst of changes: only the latest values are seen).
    public var onChange: ((Widget, Set<String>) throws -> Void)?
    /// Called with the content of a custom message (a Button's click is `{"event": "click"}`).
    public var onCustom: ((Widget, JSON) throws -> Void)?

    weak var hub: CommHub?
    /// Attributes changed by the front end whose `onChange` has not run yet.
    var changedKeys: Set<String> = []

    init(id: String, state: [String: JSON], binary: [String: [UInt8]] = [:]) {
        self.id = id
        self.state = state
        self.binary = binary
    }

    /// The `IPY_MODEL_…` reference other widgets' state uses for this one.
    public var reference: JSON { .string("IPY_MODEL_" + id) }

    /// The model's class name (`IntSliderModel`, …).
    public var modelName: String { state["_model_name"]?.stringValue ?? "WidgetModel" }
    /// The JavaScript module the model comes from.
    public var modelModule: String { state["_model_module"]?.stringValue ?? "@jupyter-widgets/base" }
    /// The module's version range.
    public var modelModuleVersion: String { state["_model_module_version"]?.stringValue ?? "2.0.0" }

    /// An attribute's value.
    public subscript(_ key: String) -> JSON? { state[key] }

    /// Changes attributes here and in every front end (one update message).
    public func update(_ values: [String: JSON], binary newBinary: [String: [UInt8]] = [:]) {
        for (key, value) in values { state[key] = value }
        for (key, bytes) in newBinary {
            binary[key] = bytes
            state[key] = nil
        }
        hub?.sendUpdate(of: self, keys: Set(values.keys).union(newBinary.keys))
    }

    /// The state of `keys` (all when nil) as the wire carries it: JSON without the binary
    /// attributes, their paths, and their bytes in the same order.
    func wireState(keys: Set<String>? = nil) -> (state: [String: JSON], paths: [[String]], buffers: [[UInt8]]) {
        var json: [String: JSON] = [:]
        for (key, value) in state where keys?.contains(key) ?? true { json[key] = value }
        var paths: [[String]] = []
        var buffers: [[UInt8]] = []
        for key in binary.keys.sorted() where keys?.contains(key) ?? true {
            paths.append([key])
            buffers.append(binary[key] ?? [])
        }
        return (json, paths, buffers)
    }

    /// Applies a front end's update; returns the attributes that changed. The model's identity
    /// (`_model_*`, `_view_*`) never changes.
    func apply(_ values: [String: JSON], binary newBinary: [String: [UInt8]]) -> Set<String> {
        var changed: Set<String> = []
        for (key, value) in values where !Widget.isIdentity(key) {
            if state[key] != value || binary[key] != nil {
                state[key] = value
                binary[key] = nil
                changed.insert(key)
            }
        }
        for (key, bytes) in newBinary where !Widget.isIdentity(key) {
            if binary[key] != bytes {
                binary[key] = bytes
                state[key] = nil
                changed.insert(key)
            }
        }
        return changed
    }

    static func isIdentity(_ key: String) -> Bool {
        key.hasPrefix("_model_") || key.hasPrefix("_view_")
    }
}

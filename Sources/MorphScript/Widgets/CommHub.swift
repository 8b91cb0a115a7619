import MorphJSON
import MorphRender

/// Where a hub's outgoing comm messages go (the kernel publishes them on iopub).
public protocol CommOutlet: AnyObject {
    /// Sends `comm_open`, `comm_msg` or `comm_close` with its content, metadata and binary buffers.
    func sendComm(_ type: String, content: JSON, metadata: JSON, buffers: [[UInt8]])
}

/// Why a comm message could not be handled (reported on iopub: comm messages have no reply).
public struct CommError: Error, Sendable, CustomStringConvertible {
    /// A short name for the kind of problem (`UnknownComm`, `BadCommMessage`, `WidgetCallbackError`).
    public let kind: String
    /// What went wrong, in words a user can act on.
    public let message: String

    /// An error of `kind` saying `message`.
    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}

/// The comms of one session and the Jupyter widget protocol (version 2) over them: widgets made
/// by builtins (`jupyter.widget`), widgets a front end opens, and the `jupyter.widget.control`
/// comm that answers `request_states` after a page reload. Knows nothing of sockets: its
/// messages go to `outlet`, and the host hands it what front ends send.
public final class CommHub {
    /// The comm target of widget models.
    public static let widgetTarget = "jupyter.widget"
    /// The comm target a front end opens to fetch every widget's state at once.
    public static let controlTarget = "jupyter.widget.control"
    /// The widget message protocol version sent in comm_open metadata.
    public static let protocolVersion = "2.1.0"

    /// Where outgoing messages go now (the host sets it for each request it handles; nil drops
    /// them, as under `morph run`, where state is still kept for the notebook's metadata).
    public var outlet: CommOutlet?
    private var widgets: [String: Widget] = [:]
    private var order: [String] = []
    private var controlComms: [String] = []
    private var pending: [String] = []

    /// A hub with no comms.
    public init() {}

    /// The open comms and their targets, oldest first.
    public var openComms: [(id: String, target: String)] {
        order.map { ($0, CommHub.widgetTarget) } + controlComms.map { ($0, CommHub.controlTarget) }
    }

    /// The widget with comm id `id`.
    public func widget(_ id: String) -> Widget? { widgets[id] }

    /// Makes a widget with `state` (and binary attributes) and opens its comm in the front ends.
    public func makeWidget(state: [String: JSON], binary: [String: [UInt8]] = [:]) -> Widget {
        let widget = Widget(id: CommHub.newID(), state: state, binary: binary)
        register(widget)
        let (json, paths, buffers) = widget.wireState()
        let data: JSON = ["state": .object(json), "buffer_paths": CommHub.pathsJSON(paths)]
        outlet?.sendComm(
            "comm_open",
            content: ["comm_id": .string(widget.id), "target_name": .string(CommHub.widgetTarget), "data": data],
            metadata: ["version": .string(CommHub.protocolVersion)], buffers: buffers)
        return widget
    }

    /// Closes a widget's comm here and in the front ends.
    public func close(_ widget: Widget) {
        guard widgets.removeValue(forKey: widget.id) != nil else { return }
        order.removeAll { $0 == widget.id }
        pending.removeAll { $0 == widget.id }
        outlet?.sendComm("comm_close", content: ["comm_id": .string(widget.id), "data": [:]], metadata: [:], buffers: [])
    }

    // MARK: from the front end

    /// Handles a front end's comm_open. An unknown target or a malformed widget state throws
    /// (the host then closes the comm, as the messaging spec asks).
    public func receiveOpen(commID: String, targetName: String, data: JSON, metadata: JSON, buffers: [[UInt8]]) throws(CommError) {
        guard !commID.isEmpty else { throw CommError(kind: "BadCommMessage", message: "comm_open needs a comm_id") }
        guard widgets[commID] == nil, !controlComms.contains(commID) else {
            throw CommError(kind: "BadCommMessage", message: "comm \(commID) is already open")
        }
        switch targetName {
        case CommHub.controlTarget:
            let version = metadata["version"]?.stringValue ?? "1.0.0"
            guard version.split(separator: ".").first == "1" else {
                throw CommError(kind: "BadCommMessage", message: "widget control protocol \(version) is not supported (Morph speaks 1.x)")
            }
            controlComms.append(commID)
        case CommHub.widgetTarget:
            guard let state = data["state"]?.objectValue, state["_model_name"]?.stringValue != nil else {
                throw CommError(kind: "BadCommMessage", message: "a jupyter.widget comm_open needs data.state with _model_name")
            }
            let binary = try CommHub.binaryAttributes(paths: data["buffer_paths"], buffers: buffers)
            var json = state
            for key in binary.keys { json[key] = nil }
            register(Widget(id: commID, state: json, binary: binary))
        default:
            throw CommError(kind: "UnknownCommTarget", message: "no comm target '\(targetName)' (Morph has \(CommHub.widgetTarget) and \(CommHub.controlTarget))")
        }
    }

    /// Handles a front end's comm_msg: `update`, `request_state` and `custom` for widgets,
    /// `request_states` on the control comm. A front end's updates are applied at once; the
    /// widget's `onChange` runs later, in `runPendingCallbacks`.
    public func receiveMessage(commID: String, data: JSON, buffers: [[UInt8]]) throws(CommError) {
        let method = data["method"]?.stringValue
        if controlComms.contains(commID) {
            guard method == "request_states" else {
                throw CommError(kind: "BadCommMessage", message: "the control comm has no method '\(method ?? "(none)")' (it answers request_states)")
            }
            sendAllStates(on: commID)
            return
        }
        guard let widget = widgets[commID] else {
            throw CommError(kind: "UnknownComm", message: "no open comm with id '\(commID)'")
        }
        switch method {
        case "update":
            guard let state = data["state"]?.objectValue else {
                throw CommError(kind: "BadCommMessage", message: "an update needs data.state as an object")
            }
            let binary = try CommHub.binaryAttributes(paths: data["buffer_paths"], buffers: buffers)
            let changed = widget.apply(state, binary: binary)
            guard !changed.isEmpty else { return }
            if widget.changedKeys.isEmpty { pending.append(widget.id) }
            widget.changedKeys.formUnion(changed)
        case "request_state":
            let (json, paths, buffers) = widget.wireState()
            outlet?.sendComm(
                "comm_msg",
                content: ["comm_id": .string(widget.id),
                          "data": ["method": "update", "state": .object(json), "buffer_paths": CommHub.pathsJSON(paths)]],
                metadata: ["version": .string(CommHub.protocolVersion)], buffers: buffers)
        case "custom":
            guard let handler = widget.onCustom else { return }
            do {
                try handler(widget, data["content"] ?? .null)
            } catch {
                throw CommError(kind: "WidgetCallbackError", message: CommHub.describe(error))
            }
        default:
            throw CommError(kind: "BadCommMessage", message: "widgets have no method '\(method ?? "(none)")' (update, request_state, custom)")
        }
    }

    /// Handles a front end's comm_close.
    public func receiveClose(commID: String) throws(CommError) {
        if let index = controlComms.firstIndex(of: commID) {
            controlComms.remove(at: index)
            return
        }
        guard widgets.removeValue(forKey: commID) != nil else {
            throw CommError(kind: "UnknownComm", message: "no open comm with id '\(commID)'")
        }
        order.removeAll { $0 == commID }
        pending.removeAll { $0 == commID }
    }

    /// Whether some widget changed by a front end still waits for its `onChange`.
    public var hasPendingCallbacks: Bool { !pending.isEmpty }

    /// Runs `onChange` once for each widget the front end changed since the last run (with the
    /// latest values only); returns the errors the callbacks threw.
    public func runPendingCallbacks() -> [CommError] {
        var errors: [CommError] = []
        while !pending.isEmpty {
            let id = pending.removeFirst()
            guard let widget = widgets[id] else { continue }
            let keys = widget.changedKeys
            widget.changedKeys = []
            guard let callback = widget.onChange else { continue }
            do {
                try callback(widget, keys)
            } catch {
                errors.append(CommError(kind: "WidgetCallbackError", message: CommHub.describe(error)))
            }
        }
        return errors
    }

    // MARK: state for notebooks

    /// The `application/vnd.jupyter.widget-state+json` notebook metadata: every open widget's
    /// last state, binary attributes as base64.
    public func notebookState() -> JSON {
        var states: [String: JSON] = [:]
        for id in order {
            guard let widget = widgets[id] else { continue }
            let (json, paths, buffers) = widget.wireState()
            var entry: [String: JSON] = [
                "model_name": .string(widget.modelName), "model_module": .string(widget.modelModule),
                "model_module_version": .string(widget.modelModuleVersion), "state": .object(json),
            ]
            if !buffers.isEmpty {
                entry["buffers"] = .array(zip(paths, buffers).map { path, bytes in
                    ["encoding": "base64", "path": CommHub.pathJSON(path), "data": .string(Base64.encode(bytes))]
                })
            }
            states[id] = .object(entry)
        }
        return ["version_major": 2, "version_minor": 0, "state": .object(states)]
    }

    // MARK: internals

    func sendUpdate(of widget: Widget, keys: Set<String>) {
        guard widgets[widget.id] != nil else { return }
        let (json, paths, buffers) = widget.wireState(keys: keys)
        outlet?.sendComm(
            "comm_msg",
            content: ["comm_id": .string(widget.id),
                      "data": ["method": "update", "state": .object(json), "buffer_paths": CommHub.pathsJSON(paths)]],
            metadata: ["version": .string(CommHub.protocolVersion)], buffers: buffers)
    }

    private func register(_ widget: Widget) {
        widget.hub = self
        widgets[widget.id] = widget
        order.append(widget.id)
    }

    private func sendAllStates(on commID: String) {
        var states: [String: JSON] = [:]
        var allPaths: [JSON] = []
        var allBuffers: [[UInt8]] = []
        for id in order {
            guard let widget = widgets[id] else { continue }
            let (json, paths, buffers) = widget.wireState()
            states[id] = [
                "model_name": .string(widget.modelName), "model_module": .string(widget.modelModule),
                "model_module_version": .string(widget.modelModuleVersion), "state": .object(json),
            ]
            for path in paths { allPaths.append(CommHub.pathJSON([id, "state"] + path)) }
            allBuffers += buffers
        }
        outlet?.sendComm(
            "comm_msg",
            content: ["comm_id": .string(commID),
                      "data": ["method": "update_states", "states": .object(states), "buffer_paths": .array(allPaths)]],
            metadata: [:], buffers: allBuffers)
    }

    /// The binary attributes a message's buffer_paths name: each path must be one attribute
    /// name, and there must be exactly one buffer per path.
    static func binaryAttributes(paths: JSON?, buffers: [[UInt8]]) throws(CommError) -> [String: [UInt8]] {
        let list: [JSON]
        switch paths {
        case nil, .null?: list = []
        case .array(let items)?: list = items
        default: throw CommError(kind: "BadCommMessage", message: "buffer_paths must be a list of paths")
        }
        guard list.count == buffers.count else {
            throw CommError(kind: "BadCommMessage", message: "buffer_paths names \(list.count) buffer(s) but the message carries \(buffers.count)")
        }
        var binary: [String: [UInt8]] = [:]
        for (path, bytes) in zip(list, buffers) {
            guard let parts = path.arrayValue, parts.count == 1, let key = parts[0].stringValue else {
                throw CommError(kind: "BadCommMessage", message: "buffer path \(path.serialized().prefix(60)) is not a top-level attribute name (Morph's widgets keep binary attributes at the top level)")
            }
            binary[key] = bytes
        }
        return binary
    }

    static func pathJSON(_ path: [String]) -> JSON { .array(path.map { .string($0) }) }
    static func pathsJSON(_ paths: [[String]]) -> JSON { .array(paths.map(pathJSON)) }

    static func describe(_ error: any Error) -> String {
        if let script = error as? ScriptError { return "\(script.kind): \(script.value)" }
        return "\(error)"
    }

    /// A new comm id: 32 random hex digits.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }
}

import MorphJSON
import Testing

@testable import MorphScript

/// Records what a hub sends.
final class RecordingCommOutlet: CommOutlet {
    var sent: [(type: String, content: JSON, metadata: JSON, buffers: [[UInt8]])] = []

    func sendComm(_ type: String, content: JSON, metadata: JSON, buffers: [[UInt8]]) {
        sent.append((type, content, metadata, buffers))
    }

    /// The data of every comm_msg sent to `id`.
    func messages(to id: String) -> [JSON] {
        sent.filter { $0.type == "comm_msg" && $0.content["comm_id"]?.stringValue == id }.compactMap { $0.content["data"] }
    }
}

/// The widget protocol (version 2) in the language layer, without sockets.
@Suite struct CommHubTests {
    let harness = Harness()
    let outlet = RecordingCommOutlet()

    init() { harness.session.comms.outlet = outlet }

    var hub: CommHub { harness.session.comms }

    /// Makes `let s = slider(…)` and returns the slider, its label and the row shown.
    func slider() throws -> (slider: Widget, label: Widget, row: Widget) {
        try harness.run("let s = slider(min: 2, max: 20, value: 5)")
        let opens = outlet.sent.filter { $0.type == "comm_open" }
        let widgets = opens.compactMap { hub.widget($0.content["comm_id"]?.stringValue ?? "") }
        let slider = try #require(widgets.first { $0.modelName == "IntSliderModel" })
        let label = try #require(widgets.first { $0.modelName == "LabelModel" })
        let row = try #require(widgets.first { $0.modelName == "HBoxModel" })
        return (slider, label, row)
    }

    @Test func sliderOpensEveryModelItRefersTo() throws {
        let (slider, label, row) = try slider()
        let opens = outlet.sent.filter { $0.type == "comm_open" }
        #expect(opens.allSatisfy { $0.content["target_name"] == "jupyter.widget" && $0.metadata["version"] == "2.1.0" })
        let opened = Set(opens.compactMap { $0.content["comm_id"]?.stringValue })
        for widget in [slider, label, row] {
            for key in ["layout", "style"] {
                if let reference = widget[key]?.stringValue {
                    #expect(opened.contains(String(reference.dropFirst("IPY_MODEL_".count))))
                }
            }
        }
        #expect(row["children"] == [slider.reference, label.reference])
        #expect(slider["value"] == 5 && slider["min"] == 2 && slider["max"] == 20)
        #expect(slider.modelModule == "@jupyter-widgets/controls")
        let shown = try #require(try harness.session.execute("s", in: harness.context))
        #expect(shown.data["application/vnd.jupyter.widget-view+json"]?["model_id"]?.stringValue == row.id)
        #expect(shown.plainText == "IntSlider(value: 5)")
        #expect(hub.openComms.count == opens.count)
    }

    @Test func aBurstOfUpdatesRunsTheCallbackOnceWithTheLatestValue() throws {
        let (slider, label, _) = try slider()
        for value in [6, 7, 8] {
            try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": ["value": JSON(value)], "buffer_paths": []], buffers: [])
        }
        #expect(hub.hasPendingCallbacks)
        #expect(outlet.messages(to: label.id).isEmpty)
        #expect(hub.runPendingCallbacks().isEmpty)
        #expect(outlet.messages(to: label.id) == [["method": "update", "state": ["value": "value = 8"], "buffer_paths": []]])
        #expect(try harness.run("s.value") == "8")
        #expect(!hub.hasPendingCallbacks)
    }

    @Test func requestStateAndRequestStatesSendEverything() throws {
        let (slider, _, _) = try slider()
        let image = Controls.image([0x89, 0x50, 0x4E, 0x47], in: hub)
        try hub.receiveMessage(commID: slider.id, data: ["method": "request_state"], buffers: [])
        let full = try #require(outlet.messages(to: slider.id).last)
        #expect(full["method"] == "update" && full["state"]?["value"] == 5 && full["state"]?["_model_name"] == "IntSliderModel")

        try hub.receiveOpen(commID: "control-1", targetName: "jupyter.widget.control", data: [:], metadata: ["version": "1.0.0"], buffers: [])
        #expect(hub.openComms.contains { $0.id == "control-1" && $0.target == "jupyter.widget.control" })
        try hub.receiveMessage(commID: "control-1", data: ["method": "request_states"], buffers: [])
        let sent = try #require(outlet.sent.last)
        #expect(sent.content["data"]?["method"] == "update_states")
        let states = try #require(sent.content["data"]?["states"]?.objectValue)
        #expect(states.count == hub.openComms.count - 1)
        #expect(states[slider.id]?["model_name"] == "IntSliderModel")
        #expect(sent.content["data"]?["buffer_paths"] == [[.string(image.id), "state", "value"]])
        #expect(sent.buffers == [[0x89, 0x50, 0x4E, 0x47]])
        #expect(states[image.id]?["state"]?["value"] == nil)
    }

    @Test func binaryBuffersComeInAtTheirPaths() throws {
        let image = Controls.image([1, 2, 3], in: hub)
        try hub.receiveMessage(commID: image.id, data: ["method": "update", "state": ["width": "64"], "buffer_paths": [["value"]]], buffers: [[9, 8]])
        #expect(image.binary["value"] == [9, 8])
        #expect(image["width"] == "64")
        let saved = hub.notebookState()
        #expect(saved["state"]?[image.id]?["buffers"] == [["encoding": "base64", "path": ["value"], "data": "CQg="]])
        #expect(saved["version_major"] == 2)
    }

    @Test func badMessagesThrowAndLeaveTheHubUsable() throws {
        let (slider, _, _) = try slider()
        func kind(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return (error as? CommError)?.kind ?? "\(error)" }
        }
        #expect(kind { try hub.receiveMessage(commID: "nope", data: ["method": "update", "state": [:]], buffers: []) } == "UnknownComm")
        #expect(kind { try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": [1, 2]], buffers: []) } == "BadCommMessage")
        #expect(kind { try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": [:], "buffer_paths": [["a"], ["b"]]], buffers: [[1]]) } == "BadCommMessage")
        #expect(kind { try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": [:], "buffer_paths": [["a", 0]]], buffers: [[1]]) } == "BadCommMessage")
        #expect(kind { try hub.receiveMessage(commID: slider.id, data: ["method": "fly"], buffers: []) } == "BadCommMessage")
        #expect(kind { try hub.receiveOpen(commID: "x", targetName: "nobody", data: [:], metadata: [:], buffers: []) } == "UnknownCommTarget")
        #expect(kind { try hub.receiveOpen(commID: "y", targetName: "jupyter.widget", data: ["state": "no"], metadata: [:], buffers: []) } == "BadCommMessage")
        #expect(kind { try hub.receiveClose(commID: "nope") } == "UnknownComm")
        try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": ["value": "not a number"]], buffers: [])
        let errors = hub.runPendingCallbacks()
        #expect(errors.map(\.kind) == ["WidgetCallbackError"])
        try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": ["value": 9]], buffers: [])
        #expect(hub.runPendingCallbacks().isEmpty)
        #expect(try harness.run("s.value") == "9")
        try hub.receiveClose(commID: slider.id)
        #expect(hub.widget(slider.id) == nil)
    }
}

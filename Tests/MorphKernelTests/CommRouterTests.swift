import MorphJSON
import MorphScript
import Testing

@testable import MorphKernel

/// Comms through the shell handler with the real interpreter, on the in-memory transport.
@Suite struct CommRouterTests {
    let kernel = EmbeddedKernel(language: Session())

    /// Runs `let s = slider(…)`; returns the iopub messages and the slider's and label's comm ids.
    func makeSlider() throws -> (iopub: [Message], slider: String, label: String) {
        kernel.send("execute_request", ["code": "let s = slider(min: 0, max: 50, value: 1)\ns"])
        kernel.run()
        _ = kernel.received(on: .shell)
        let iopub = kernel.received(on: .iopub)
        func id(of model: String) throws -> String {
            let open = try #require(iopub.first { $0.messageType == "comm_open" && $0.content["data"]?["state"]?["_model_name"]?.stringValue == model })
            return try #require(open.content["comm_id"]?.stringValue)
        }
        return (iopub, try id(of: "IntSliderModel"), try id(of: "LabelModel"))
    }

    @discardableResult
    func update(_ id: String, _ value: Int) -> Message {
        kernel.send("comm_msg", ["comm_id": .string(id), "data": ["method": "update", "state": ["value": JSON(value)], "buffer_paths": []]])
    }

    @Test func commsOpenBeforeTheDisplayAndShowInCommInfo() throws {
        let (iopub, slider, _) = try makeSlider()
        let types = iopub.map(\.messageType)
        let lastOpen = try #require(types.lastIndex(of: "comm_open"))
        let result = try #require(types.firstIndex(of: "execute_result"))
        #expect(lastOpen < result)
        #expect(iopub[result].content["data"]?["application/vnd.jupyter.widget-view+json"]?["model_id"] != nil)
        #expect(iopub.filter { $0.messageType == "comm_open" }.allSatisfy { $0.metadata["version"] == "2.1.0" })
        kernel.send("comm_info_request", ["target_name": "jupyter.widget"])
        kernel.run()
        let comms = try #require(kernel.received(on: .shell).first?.content["comms"]?.objectValue)
        #expect(comms[slider] == ["target_name": "jupyter.widget"])
        #expect(comms.count == iopub.filter { $0.messageType == "comm_open" }.count)
    }

    @Test func queuedUpdatesAreComputedOnceForTheLatestValue() throws {
        let (_, slider, label) = try makeSlider()
        for value in 2...9 { update(slider, value) }
        let last = update(slider, 10)
        kernel.run()
        let labelUpdates = kernel.received(on: .iopub).filter {
            $0.messageType == "comm_msg" && $0.content["comm_id"]?.stringValue == label
        }
        #expect(labelUpdates.map { $0.content["data"]?["state"]?["value"] } == ["value = 10"])
        #expect(labelUpdates.first?.parentHeader["msg_id"]?.stringValue == last.header.messageID)
    }

    @Test func queuedExploreMovesDecodeOnceAtTheLatestT() throws {
        kernel.send("execute_request", ["code": """
            let data = dataset("synthetic", classes: [0, 1], train: 32, test: 8)
            explore(ConvAutoEncoder(latent: 4), from: data.test[0], to: data.test[1])
            """])
        kernel.run()
        #expect(kernel.received(on: .shell).first?.content["status"] == "ok")
        let opens = kernel.received(on: .iopub).filter { $0.messageType == "comm_open" }
        func id(_ model: String) throws -> String {
            try #require(opens.first { $0.content["data"]?["state"]?["_model_name"]?.stringValue == model }?.content["comm_id"]?.stringValue)
        }
        let slider = try id("FloatSliderModel"), image = try id("ImageModel")
        for step in 1...20 {
            kernel.send("comm_msg", ["comm_id": .string(slider), "data": ["method": "update", "state": ["value": JSON(Double(step) / 20)]]])
        }
        kernel.run()
        let iopub = kernel.received(on: .iopub)
        let imageUpdates = iopub.filter { $0.messageType == "comm_msg" && $0.content["comm_id"]?.stringValue == image }
        #expect(imageUpdates.count == 1 && imageUpdates.first?.buffers.count == 1)
        let readout = iopub.filter { $0.messageType == "comm_msg" }.compactMap { $0.content["data"]?["state"]?["value"]?.stringValue }
        #expect(readout.count == 1 && readout[0].hasPrefix("t = 1.00 · ‖J‖_F = "))
    }

    @Test func pendingCallbacksRunBeforeTheNextCell() throws {
        let (_, slider, label) = try makeSlider()
        update(slider, 7)
        kernel.send("execute_request", ["code": "s.value"])
        kernel.run()
        let iopub = kernel.received(on: .iopub)
        let labelUpdate = try #require(iopub.firstIndex { $0.messageType == "comm_msg" && $0.content["comm_id"]?.stringValue == label })
        let result = try #require(iopub.firstIndex { $0.messageType == "execute_result" })
        #expect(labelUpdate < result)
        #expect(iopub[result].content["data"]?["text/plain"] == "7")
    }

    @Test func badCommMessagesPublishErrorsWithTheirParent() throws {
        let (_, slider, _) = try makeSlider()
        let unknown = kernel.send("comm_msg", ["comm_id": "nope", "data": ["method": "update", "state": [:]]])
        let wrongCount = kernel.send("comm_msg", ["comm_id": .string(slider), "data": ["method": "update", "state": [:], "buffer_paths": [["value"]]]])
        let badOpen = kernel.send("comm_open", ["comm_id": "w9", "target_name": "jupyter.widget", "data": "x"])
        kernel.run()
        let iopub = kernel.received(on: .iopub)
        #expect(kernel.received(on: .shell).isEmpty)
        let errors = iopub.filter { $0.messageType == "error" }
        #expect(errors.map { $0.content["ename"] } == ["UnknownComm", "BadCommMessage", "BadCommMessage"])
        #expect(errors.map { $0.parentHeader["msg_id"]?.stringValue } == [unknown, wrongCount, badOpen].map(\.header.messageID))
        #expect(iopub.contains { $0.messageType == "comm_close" && $0.content["comm_id"] == "w9" })
    }
}

import MorphJSON
import Testing

@testable import MorphScript

/// `explore` and `interact` through the interpreter and the comm hub, without sockets: what they
/// open, what a front end's update recomputes, and errors that leave the widgets live.
@Suite(.serialized)
struct ExplorationTests {
    let harness = Harness()
    let outlet = RecordingCommOutlet()

    init() throws {
        harness.session.comms.outlet = outlet
        try harness.run("""
            let data = dataset("synthetic", classes: [0, 1], train: 64, test: 32)
            let conv = ConvAutoEncoder(latent: 4)
            let wide = AutoEncoder(latent: 12)
            """)
    }

    var hub: CommHub { harness.session.comms }

    /// The widgets opened since `count` messages were sent.
    func opened(since count: Int) -> [Widget] {
        outlet.sent[count...].filter { $0.type == "comm_open" }.compactMap { hub.widget($0.content["comm_id"]?.stringValue ?? "") }
    }

    /// Sends a front end's update of `widget`'s value and runs the callbacks; returns their errors.
    func move(_ widget: Widget, to value: JSON) throws -> [CommError] {
        try hub.receiveMessage(commID: widget.id, data: ["method": "update", "state": ["value": value], "buffer_paths": []], buffers: [])
        return hub.runPendingCallbacks()
    }

    @Test func explorePathShowsTheDecodedImageAndItsJacobianNormsAtT() throws {
        let before = outlet.sent.count
        #expect(try harness.run("let e = explore(conv, from: data.test[0], to: data.test[1])\ne") == "FloatSlider(value: 0.5)")
        let widgets = opened(since: before)
        let slider = try #require(widgets.first { $0.modelName == "FloatSliderModel" })
        let images = widgets.filter { $0.modelName == "ImageModel" }
        let readout = try #require(widgets.first { $0.modelName == "LabelModel" && ($0["value"]?.stringValue ?? "").hasPrefix("t = ") })
        #expect(images.count == 3 && slider["min"] == 0 && slider["max"] == 1 && slider["value"] == 0.5)
        #expect(readout["value"]?.stringValue?.contains("‖J‖_F = ") == true && readout["value"]?.stringValue?.contains("σ₁ = ") == true)
        // The decoded image sits between the originals, 8× enlarged (224×224 for 28×28).
        let decoded = images[0]
        let png = try #require(decoded.binary["value"])
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(PNGSize.of(png) == [224, 224])

        let sent = outlet.sent.count
        #expect(try move(slider, to: 0.9).isEmpty)
        let imageUpdates = outlet.messages(to: decoded.id)
        #expect(imageUpdates.count == 1 && outlet.sent[sent...].contains { $0.type == "comm_msg" && !$0.buffers.isEmpty })
        #expect(decoded.binary["value"] != png)
        #expect(readout["value"]?.stringValue?.hasPrefix("t = 0.90 · ‖J‖_F = ") == true)
        #expect(try harness.run("e.value") == "0.9")

        // A burst of moves is computed once, for the latest t.
        for t in [0.1, 0.2, 0.3, 0.4] {
            try hub.receiveMessage(commID: slider.id, data: ["method": "update", "state": ["value": JSON(t)]], buffers: [])
        }
        #expect(hub.runPendingCallbacks().isEmpty)
        #expect(outlet.messages(to: decoded.id).count == 2)
        #expect(readout["value"]?.stringValue?.hasPrefix("t = 0.40") == true)

        // A t the front end should never send is an error; the widget stays live.
        #expect(try move(slider, to: 3).map(\.kind) == ["WidgetCallbackError"])
        #expect(try move(slider, to: "x").map(\.kind) == ["WidgetCallbackError"])
        #expect(try move(slider, to: 1).isEmpty)
        #expect(readout["value"]?.stringValue?.hasPrefix("t = 1.00") == true)
    }

    @Test func explorePathRejectsBadArgumentsInTheCell() {
        #expect(harness.failure("explore(conv, from: data.test[0], to: data.test[1], t: 2)")?.message.contains("'t' must be from 0 to 1") == true)
        #expect(harness.failure("explore(conv, from: data.test[0], to: 3)")?.kind == "TypeError")
        #expect(harness.failure("explore(conv, form: data.test[0], to: data.test[1])")?.suggestion == "from:")
    }

    @Test func exploreAtAnImageHasOneSliderPerDimensionAndAReset() throws {
        let before = outlet.sent.count
        try harness.run("let e = explore(conv, at: data.test[2], on: data.test)")
        let widgets = opened(since: before)
        let sliders = widgets.filter { $0.modelName == "FloatSliderModel" }
        #expect(sliders.map { $0["description"]?.stringValue ?? "" } == ["z1", "z2", "z3", "z4"])
        for slider in sliders {
            let low = try #require(slider["min"]?.doubleValue), high = try #require(slider["max"]?.doubleValue)
            let value = try #require(slider["value"]?.doubleValue)
            #expect(low < high && (low...high).contains(value))
        }
        let home = sliders.map { $0["value"] }
        let decoded = try #require(widgets.first { $0.modelName == "ImageModel" })
        let start = try #require(decoded.binary["value"])
        let high = try #require(sliders[1]["max"])
        #expect(try move(sliders[1], to: high).isEmpty)
        let moved = try #require(decoded.binary["value"])
        #expect(moved != start, "moving z2 to its end changes the decoded image")

        let reset = try #require(widgets.first { $0.modelName == "ButtonModel" })
        try hub.receiveMessage(commID: reset.id, data: ["method": "custom", "content": ["event": "click"]], buffers: [])
        #expect(sliders.map { $0["value"] } == home)
        #expect(decoded.binary["value"] == start)
    }

    @Test func exploreAtAnImageUsesPrincipalDirectionsPastEightDimensions() throws {
        let before = outlet.sent.count
        try harness.run("explore(wide, at: data.test[0], on: data.test)")
        let sliders = opened(since: before).filter { $0.modelName == "FloatSliderModel" }
        #expect(sliders.map { $0["description"]?.stringValue ?? "" } == (1...8).map { "PC\($0)" })
    }

    @Test func interactRerunsTheBuiltinAndReplacesTheOutput() throws {
        let before = outlet.sent.count
        try harness.run("let i = interact(interpolate, conv, from: data.test[0], to: data.test[1], steps: slider(2...20, value: 4))")
        let widgets = opened(since: before)
        let slider = try #require(widgets.first { $0.modelName == "IntSliderModel" })
        let output = try #require(widgets.first { $0.modelName == "OutputModel" })
        #expect(slider["description"] == "steps" && output.modelModule == "@jupyter-widgets/output")
        let first = try #require(output["outputs"]?.arrayValue)
        #expect(first.count == 1 && first[0]["output_type"] == "display_data" && first[0]["data"]?["image/png"] != nil)

        #expect(try move(slider, to: 12).isEmpty)
        let second = try #require(output["outputs"]?.arrayValue)
        #expect(second.count == 1 && second[0]["data"]?["image/png"] != first[0]["data"]?["image/png"])
        #expect(try harness.run("i.value") == "12")

        // A value the builtin refuses shows its error in the output; the next move works again.
        let mark = outlet.sent.count
        try harness.run("let j = interact(interpolate, conv, from: data.test[0], to: data.test[1], steps: slider(0...300, value: 5))")
        let again = opened(since: mark)
        let wide = try #require(again.first { $0.modelName == "IntSliderModel" })
        let area = try #require(again.first { $0.modelName == "OutputModel" })
        #expect(try move(wide, to: 1).map(\.kind) == ["WidgetCallbackError"])
        let error = try #require(area["outputs"]?.arrayValue?.first)
        #expect(error["output_type"] == "error" && error["ename"] == "ValueError")
        #expect(error["evalue"]?.stringValue?.contains("'steps' must be between 2 and 256, got 1") == true)
        #expect(try move(wide, to: 3).isEmpty)
        #expect(area["outputs"]?.arrayValue?.first?["output_type"] == "display_data")
    }

    @Test func interactRejectsBadBindingsInTheCell() {
        #expect(harness.failure("interact(interpolate, conv, from: data.test[0], to: data.test[1], steps: 4)")?.message.contains("needs a control") == true)
        #expect(harness.failure("interact(3, steps: slider(2...9))")?.kind == "TypeError")
        #expect(harness.failure("interact(slider, min: slider(2...9))")?.message.contains("makes widgets") == true)
        let wrongLabel = harness.failure("interact(interpolate, conv, form: data.test[0], to: data.test[1], steps: slider(2...9))")
        #expect(wrongLabel?.kind == "TypeError" && wrongLabel?.suggestion == "from:")
        #expect(harness.failure("interact(interpolate, conv, from: data.test[0], to: data.test[1], steps: slider(0...9))")?.message.contains("'steps' must be between") == true)
        #expect(harness.failure("slider(5..<5)")?.kind == "ValueError")
        #expect(harness.failure("slider(2...9, value: 12)")?.kind == "ValueError")
    }

    @Test func theNewBuiltinsHaveHelpAndCompletion() throws {
        try harness.run("help(explore)\nhelp(interact)")
        let text = harness.sink.displayed.compactMap(\.plainText).joined(separator: "\n")
        #expect(text.contains("explore(_ model: Model, from: Image, to: Image, t: Double = 0.5) -> Widget"))
        #expect(text.contains("explore(_ model: Model, at: Image, on: Dataset or Split) -> Widget"))
        #expect(text.contains("interact(_ function: Function, _ arguments: Any..., label: Any...) -> Widget"))
        let names = harness.session.completions(in: "inter", cursor: 5).matches.map(\.text)
        #expect(names.contains("interact") && names.contains("interpolate"))
        let labels = harness.session.completions(in: "explore(conv, a", cursor: 15).matches.map(\.text)
        #expect(labels.contains("at:"))
        // Inside interact, the labels are those of the builtin it reruns.
        let code = "interact(interpolate, conv, f"
        let forwarded = harness.session.completions(in: code, cursor: code.count).matches.map(\.text)
        #expect(forwarded.first == "from:")
    }
}

/// The width and height in a PNG's IHDR chunk.
enum PNGSize {
    static func of(_ bytes: [UInt8]) -> [Int]? {
        guard bytes.count >= 24 else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return [word(16), word(20)]
    }
}

import Glibc
import MorphEngine
import MorphJSON
import MorphRender
import Testing
@testable import MorphScript

/// The experiment builtins through the interpreter, on synthetic data: every builtin returns its
/// documented MIME types with provenance, Lemma 1 holds on every path, training reports progress
/// in place, and an interrupt leaves a usable model.
@Suite(.serialized)
struct ExperimentsScriptTests {
    static let setup = """
        let data = dataset("synthetic", classes: [0, 1], train: 128, test: 32)
        let shallow = AutoEncoder(latent: 4)
        let conv = ConvAutoEncoder(latent: 4)
        """

    /// A harness with the synthetic data and two small models, trained for one epoch.
    static func trainedHarness() throws -> Harness {
        let h = Harness()
        try h.run(setup)
        try h.run("let hShallow = train(shallow, on: data, epochs: 1, batchSize: 64, track: data.test[0..<2])")
        try h.run("let hConv = train(conv, on: data, epochs: 1, batchSize: 64, track: data.test[0..<2])")
        return h
    }

    /// The bundle a cell returns.
    static func result(_ h: Harness, _ code: String) throws -> MimeBundle {
        guard let bundle = try h.session.execute(code, in: h.context) else {
            throw ScriptError(kind: "Test", message: "no result for \(code)")
        }
        return bundle
    }

    static func hasProvenance(_ bundle: MimeBundle) -> Bool {
        bundle.metadata["provenance"]?["blasCore"]?.stringValue != nil
    }

    @Test func datasetsSplitsAndImagesDisplayAsPNG() throws {
        let h = Harness()
        try h.run(Self.setup)
        #expect(try Self.result(h, "data").data["image/png"] != nil)
        #expect(try Self.result(h, "data.test[3]").data["image/png"] != nil)
        let batch = try Self.result(h, "data.test[0..<8]")
        #expect(batch.data["image/png"] != nil)
        #expect(batch.plainText?.contains("8 images") == true)
        #expect(try h.run("data.classes") == "[0, 1]")
        #expect(try h.run("data.test.count") == "32")
        #expect(try h.run("data.test[0..<8].count") == "8")
        #expect(h.failure("data.test[32]")?.kind == "IndexError")
        #expect(try Self.result(h, "shifted(data.test[0], by: [2, 0])").data["image/png"] != nil)
        #expect(try h.run("shuffled(data, seed: 1).test[0].label") == h.run("data.test[0].label"))
    }

    @Test func modelsShowLayersParametersAndState() throws {
        let h = Harness()
        for name in NamedModel.allCases.map(\.rawValue) {
            let bundle = try Self.result(h, "\(name)(latent: 3)")
            #expect(bundle.plainText?.contains("parameters") == true)
            #expect(bundle.plainText?.contains("untrained") == true)
            #expect(bundle.data["text/html"] != nil)
        }
        #expect(try h.run("ConvVAE(latent: 5, beta: 4).latent") == "5")
        let expected = 784 * 16 + 16 + 16 * 784 + 784
        #expect(try h.run("AutoEncoder(latent: 16).parameters") == String(expected))
        #expect(h.failure("AutoEncoder(latent: 0)")?.kind == "ValueError")
        #expect(h.failure("MixtureDecoder(latent: 2, components: 3, sigma: -1)")?.kind == "ValueError")
    }

    @Test func trainingUpdatesOneDisplayInPlaceAndReturnsAHistory() throws {
        let h = Harness()
        try h.run(Self.setup)
        let bundle = try Self.result(h, "train(shallow, on: data, epochs: 2, batchSize: 32, track: data.test[0..<3])")
        #expect(bundle.data[MimeBundle.svgType] != nil && bundle.data[MimeBundle.vegaLiteType] != nil)
        #expect(Self.hasProvenance(bundle))
        let ids = h.sink.events.compactMap { event -> String? in
            switch event {
            case .display(_, let id): return id
            case .update(_, let id): return id
            default: return nil
            }
        }
        #expect(!ids.isEmpty && Set(ids).count == 1)
        // The first display, before any batch, says it is starting (no NaN loss, no 0 img/s).
        guard case .display(let first, _)? = h.sink.events.first(where: { if case .display = $0 { return true }; return false }) else {
            Issue.record("no progress display")
            return
        }
        #expect(first.plainText?.contains("starting: 2 epochs of 4 batches (128 images)") == true, "\(first.plainText ?? "")")
        #expect(first.plainText?.contains("NaN") == false)
        try h.run("let pca = PCA(latent: 2)\ntrain(pca, on: data)")
        let pcaLines = h.sink.events.compactMap { event -> String? in
            if case .update(let b, _) = event { return b.plainText }
            return nil
        }
        #expect(pcaLines.last?.contains("fitted in closed form, L2 recover loss") == true, "\(pcaLines.last ?? "")")
        #expect(pcaLines.allSatisfy { !$0.contains("NaN") && !$0.contains(" 0 img/s") })
        guard case .update(let last, _)? = h.sink.events.last(where: { if case .update = $0 { return true }; return false }) else {
            Issue.record("no progress update")
            return
        }
        #expect(last.plainText?.contains("done") == true)
        #expect(last.data["text/html"] != nil)
        try h.run("let history = shallow.history")
        #expect(try h.run("history.loss.count") == "2")
        #expect(try h.run("history.testLoss.count") == "2")
        #expect(try h.run("history.examples.count") == "3")
        #expect(try h.run("shallow.epochs") == "2")
        #expect(h.failure("train(shallow, on: data, objective: \"elbo\")")?.kind == "ValueError")
        #expect(h.failure("train(shallow, on: data, objective: \"fancy\")")?.kind == "ValueError")
    }

    @Test func everyExperimentReturnsItsMIMETypesWithProvenance() throws {
        let h = try Self.trainedHarness()
        let table = try Self.result(h, "losses([shallow, conv], on: data.test)")
        #expect(table.data["text/html"] != nil && table.data["text/markdown"] != nil)
        #expect(Self.hasProvenance(table))
        for code in [
            "interpolate(conv, from: data.test[0], to: data.test[1], steps: 6)",
            "interpolate(shallow, pairs: [[data.test[0], data.test[1]], [data.test[2], data.test[3]]], steps: 5)",
            "reconstruct(conv, data.test[0..<4])",
            "jacobianMap(conv, at: data.test[0])",
        ] {
            let bundle = try Self.result(h, code)
            #expect(bundle.data["image/png"] != nil, "\(code)")
            #expect(Self.hasProvenance(bundle), "\(code)")
        }
        for code in [
            "latents(conv, on: data.test)",
            "jacobianNorms([shallow, conv], on: data.test, pairs: 2, steps: 8, seed: 0)",
            "translation(conv, data.test[0], shifts: 0...3)",
            "translation(shallow, data.test[1])",
            "compare([hShallow, hConv])",
        ] {
            let bundle = try Self.result(h, code)
            #expect(bundle.data[MimeBundle.svgType] != nil && bundle.data[MimeBundle.vegaLiteType] != nil, "\(code)")
            #expect(Self.hasProvenance(bundle), "\(code)")
        }
        let caption = try h.run("interpolate(conv, from: data.test[0], to: data.test[1])")
        #expect(caption?.contains("L2 recover loss") == true)
    }

    @Test func theFlowStartsWhereAskedAndShowsItsLossPerStep() throws {
        let h = try Self.trainedHarness()
        #expect(try h.run("infer(shallow, data.test[0], from: [0, 0, 0, 0], steps: 0)") == "[0.0, 0.0, 0.0, 0.0]")
        try h.run("let f = flowLoss(shallow, data.test[0], from: [0, 0, 0, 0], steps: 20)")
        try h.run("let losses = f.measurement(\"loss\")")
        guard case .array(let values)? = h.session.value(of: "losses") else {
            Issue.record("measurement(\"loss\") is not an array")
            return
        }
        let losses = values.compactMap(\.doubleValue)
        #expect(losses.count >= 2 && losses.count <= 21)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0.1 <= $0.0 }, "the flow's loss rose: \(losses)")
        #expect(losses.last! < losses.first!)
        // The figure's latent is where infer ends from the same start.
        #expect(try h.run("f.measurement(\"latent\")") == (try h.run("infer(shallow, data.test[0], from: [0, 0, 0, 0], steps: 20)")))
        let wrong = try #require(h.failure("infer(shallow, data.test[0], from: [0, 0])"))
        #expect(wrong.kind == "ValueError" && wrong.message.contains("must hold 4 numbers"))
        #expect(h.failure("flowLoss(shallow, data.test[0], from: [0, 0, 0, 1e39])")?.kind == "ValueError")
    }

    @Test func aFigureGivesTheNumbersBehindIt() throws {
        let h = try Self.trainedHarness()
        try h.run("let moved = translation(conv, data.test[0], shifts: 0...3)")
        let straightness = try #require(Double(try h.run("moved.measurement(\"latentStraightness\")") ?? ""))
        #expect(straightness > 0 && straightness <= 1 + 1e-9)
        #expect(try h.run("moved.measurement(\"latentSteps\").count") == "3")
        let unknown = try #require(h.failure("moved.measurement(\"curvature\")"))
        #expect(unknown.kind == "ValueError")
        #expect(unknown.message.contains("latentStepCoefficientOfVariation"))
    }

    @Test func pathShowsAPlotThenATableAndLemma1Holds() throws {
        let h = try Self.trainedHarness()
        let before = h.sink.displayed.count
        let table = try Self.result(h, "let p = path(conv, from: data.test[0], to: data.test[5], steps: 16)\np")
        #expect(table.data["text/html"] != nil)
        let plot = h.sink.displayed.dropFirst(before).last
        #expect(plot?.data[MimeBundle.svgType] != nil && plot?.data[MimeBundle.vegaLiteType] != nil)
        #expect(try h.run("p.jacobianNorms.count") == "16")
        #expect(try h.run("p.steps.count") == "15")
        #expect(try Self.result(h, "p.lemma1").data["text/html"] != nil)
        for model in ["shallow", "conv"] {
            for (a, b) in [(0, 1), (2, 7), (3, 3)] {
                #expect(try h.run("path(\(model), from: data.test[\(a)], to: data.test[\(b)], steps: 12).holds") == "true")
            }
        }
        let file = "/tmp/morph-path-\(getpid()).json"
        defer { unlink(file) }
        try h.run("export(p, to: \"\(file)\")")
        let json = try JSON.parse(String(decoding: try readFileBytes(file), as: UTF8.self))
        #expect(json["jacobianFrobeniusNorm"]?.arrayValue?.count == 16)
        #expect(json["stepL2"]?.arrayValue?.count == 15)
        #expect(json["lemma1"]?["holds"]?.boolValue == true)
        #expect(json["provenance"]?["blasCore"] != nil)
        let svg = "/tmp/morph-compare-\(getpid()).svg"
        defer { unlink(svg) }
        try h.run("export(compare([p, path(shallow, from: data.test[0], to: data.test[5], steps: 16)]), to: \"\(svg)\")")
        #expect(String(decoding: try readFileBytes(svg), as: UTF8.self).contains("<svg"))
    }

    @Test func interruptMidTrainingLeavesAUsableModel() throws {
        let sink = CancellingSink()
        let h = Harness()
        try h.run(Self.setup)
        sink.token = h.cancellation
        let context = ExecutionContext(output: sink, input: h.input, cancellation: h.cancellation, workingDirectory: "/tmp", executionCount: 2)
        do {
            _ = try h.session.execute("train(conv, on: data, epochs: 3, batchSize: 16)", in: context)
            Issue.record("training was not interrupted")
        } catch {
            #expect(error.kind == "Interrupted")
        }
        h.cancellation.reset()
        #expect(try h.run("conv.epochs") == "0")
        let loss = try h.run("losses([conv], on: data.test)")
        #expect(loss?.contains("nan") == false)
        try h.run("train(conv, on: data, epochs: 1, batchSize: 64)")
        #expect(try h.run("conv.epochs") == "1")
    }

    @Test func nonFiniteLossStopsWithTheBatchAndRestoresWeights() throws {
        let h = Harness()
        try h.run(Self.setup)
        let error = h.failure("train(shallow, on: data, epochs: 2, batchSize: 16, learningRate: 1e38)")
        #expect(error?.kind == "TrainingError")
        #expect(error?.message.contains("batch") == true)
        #expect(try h.run("losses([shallow], on: data.test)")?.contains("nan") == false)
    }

    @Test func saveThenLoadGivesIdenticalOutputs() throws {
        let h = try Self.trainedHarness()
        let file = "/tmp/morph-model-\(getpid()).morph"
        defer { unlink(file) }
        try h.run("save(conv, to: \"\(file)\")\nlet again = load(\"\(file)\")")
        #expect(try h.run("path(again, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms == path(conv, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms") == "true")
        #expect(try h.run("again.epochs") == "1")
        let weights = "/tmp/morph-weights-\(getpid()).npz"
        defer { unlink(weights) }
        try h.run("exportWeights(conv, to: \"\(weights)\")\nlet fresh = ConvAutoEncoder(latent: 4, seed: 7)")
        #expect(try h.run("importWeights(fresh, from: \"\(weights)\")") != nil)
        #expect(try h.run("path(fresh, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms == path(conv, from: data.test[0], to: data.test[1], steps: 8).jacobianNorms") == "true")
        #expect(h.failure("importWeights(AutoEncoder(latent: 4), from: \"\(weights)\")")?.kind == "ValueError")
        try AtomicFile.write(Array("not a model".utf8), to: file)
        #expect(h.failure("load(\"\(file)\")")?.kind == "IOError")
    }

    @Test func shuffledTrainingDecodesInOriginalPixelOrder() throws {
        let h = Harness()
        try h.run(Self.setup)
        try h.run("let mixed = shuffled(data, seed: 3)\nlet m = AutoEncoder(latent: 4)\ntrain(m, on: mixed, epochs: 1, batchSize: 64)")
        // The same images, stored shuffled or not, give the same loss through the model.
        func rows(_ text: String?) -> [Substring] { (text ?? "").split(separator: "\n").filter { $0.contains("AutoEncoder") } }
        let shuffledRows = rows(try h.run("losses([m], on: mixed.test)"))
        let plainRows = rows(try h.run("losses([m], on: data.test)"))
        #expect(!shuffledRows.isEmpty)
        #expect(shuffledRows == plainRows)
        #expect(try h.run("path(m, from: data.test[0], to: data.test[1], steps: 8).holds") == "true")
    }

    @Test func decoderModelsInferTheirLatent() throws {
        let h = Harness()
        try h.run(Self.setup)
        try h.run("let sogae = SOGAE(latent: 3)\ntrain(sogae, on: data, epochs: 1, batchSize: 64)")
        #expect(try h.run("infer(sogae, data.test[0], steps: 10, rate: 0.01).count") == "3")
        // Far too large a rate for Euler steps: the step halving keeps the flow finite.
        #expect(try h.run("infer(sogae, data.test[0], steps: 50, rate: 100.0).count") == "3")
        #expect(try h.run("path(sogae, from: data.test[0], to: data.test[1], steps: 8).holds") == "true")
        try h.run("let mixture = MixtureDecoder(latent: 2, components: 4, sigma: 1.0)")
        #expect(try h.run("path(mixture, from: data.test[0], to: data.test[1], steps: 8).holds") == "true")
        try h.run("let pca = PCA(latent: 4)\ntrain(pca, on: data)")
        #expect(try h.run("pca.history.loss.count") == "1")
        #expect(try h.run("path(pca, from: data.test[0], to: data.test[1], steps: 8).holds") == "true")
    }

    static let fashionMNISTInstalled = access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) == 0

    @Test(.enabled(if: fashionMNISTInstalled, "Fashion-MNIST (dataset-fashion-mnist) is not installed"))
    func fashionMNISTSubsetTrainsAndHoldsLemma1() throws {
        let h = Harness()
        try h.run("let data = dataset(\"fashion-mnist\", classes: [0, 1], train: 256, test: 32)")
        #expect(try h.run("data.classes") == "[0, 1]")
        #expect(try h.run("data.test[0].className") == "\"T-shirt/top\"" || h.run("data.test[0].className") == "\"Trouser\"")
        try h.run("let m = AutoEncoderBakeOff(latent: 8)\ntrain(m, on: data, epochs: 1, batchSize: 64)")
        #expect(try h.run("m.history.testLoss.count") == "1")
        #expect(try h.run("path(m, from: data.test[0], to: data.test[1], steps: 16).holds") == "true")
        let strip = try Self.result(h, "interpolate(m, from: data.test[0], to: data.test[1], steps: 8)")
        #expect(strip.data["image/png"] != nil)
        #expect(strip.metadata["provenance"]?["data"]?.stringValue?.contains("fashion-mnist") == true)
    }

    @Test func everyExperimentBuiltinIsDocumented() {
        let registry = Session().registry
        for name in ["dataset", "shuffled", "shifted", "AutoEncoder", "AutoEncoderBN", "AutoEncoderBakeOff", "ConvAutoEncoder",
                     "LocallyConnectedAutoEncoder", "ConvVAE", "PCA", "SOGAE", "MixtureDecoder", "train", "infer", "save", "load",
                     "exportWeights", "importWeights", "losses", "interpolate", "path", "reconstruct", "latents", "jacobianMap",
                     "jacobianNorms", "translation", "compare"] {
            let overloads = registry.functions[name] ?? []
            #expect(!overloads.isEmpty, "\(name) is not declared")
            for builtin in overloads {
                #expect(!builtin.summary.isEmpty && builtin.doc.contains("Example"), "\(name) lacks docs")
            }
        }
        #expect(registry.functions["interpolate"]?.count == 2)
    }
}

/// A sink that requests an interrupt at the first progress update (mid-training).
final class CancellingSink: OutputSink {
    var token: CancellationToken?
    var updates = 0
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        updates += 1
        token?.cancel()
    }
    func clearOutput(wait: Bool) {}
}

import MorphEngine
import MorphJSON
import MorphRender
import Synchronization

extension Library {
    /// Training with live progress, and latent inference (issue 5, "Training").
    static let experimentsTraining = Library(name: "experiments-training", builtins: [
        .function("train", [
            .positional("model", .host("Model"), doc: "the model to train in place"),
            .labeled("on", ExperimentsSupport.images, doc: "a Dataset (its train split; test loss per epoch on its test split) or images"),
            .labeled("epochs", .int, default: .int(5), doc: "passes over the data (PCA fits in one)"),
            .labeled("batchSize", .int, default: .int(128), doc: "images per step"),
            .labeled("learningRate", .double, default: .double(1e-3), doc: "Adam's step size"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the batch order"),
            .labeled("objective", ExperimentsSupport.optionalString, default: Literal.none, doc: "\"sse\" (default), \"relative\" or \"elbo\" (ConvVAE's default)"),
            .labeled("track", .either(ExperimentsSupport.images, .none), default: Literal.none, doc: "images whose loss is recorded after every epoch"),
        ], returns: .host("History"),
        summary: "Trains a model in place with Adam, showing live progress; returns its loss history.",
        doc: """
            One display updates in place (at most four times a second): epoch, batch, loss, images/s, \
            time left and a small loss curve. Interrupting stops at the next batch and keeps the weights \
            of the last completed batch; a NaN or Inf loss stops with an error naming the batch and \
            restores the last finite weights. Training again continues from the current weights and \
            Adam's state. Objectives: sse = per-image summed squared error; relative = \
            ‖(x_i − x_j) − (r_i − r_j)‖² over seeded pairs in each batch (blind to a constant offset); \
            elbo = SSE + β·KL (ConvVAE). Decoder-only models (SOGAE, MixtureDecoder) train through \
            their amortised encoder; their losses and paths infer z by gradient flow.
            Example:
                let history = train(conv, on: data, epochs: 5, track: data.test[0..<4])
            """) { call in
            try Training.run(call)
        },
        .function("infer", LatentFlow.parameters, returns: .array(of: .double),
        summary: "The latent z explaining an image, by the gradient flow dz/dt = β (x − r(z))ᵀ dr/dz.",
        doc: """
            Euler steps from `from:`, or the model's encoding (its amortised encoder, or z = 0 when it has none). \
            The flow descends ½‖x − r(z)‖²; a step that would increase it is retried at half the rate \
            (Euler steps are stable only while rate < 2/σ_max(J)²), so the flow never diverges. Losses, \
            paths and strips of SOGAE and MixtureDecoder use the model's own flow (50 steps of 0.02).
            Example:
                let z = infer(sogae, data.test[0], steps: 50, rate: 0.1)
            """) { call in
            .array(try LatentFlow.run(call).latent.map { .double(Double($0)) })
        },
        .function("flowLoss", LatentFlow.parameters, returns: .host("Figure"),
        summary: "The gradient flow's ½‖x − r(z)‖² at every step, as a plot (what infer minimises).",
        doc: """
            The same flow and arguments as infer; the figure's measurements are "loss" (the start and every \
            step taken) and "latent" (where the flow ends).
            Example:
                flowLoss(sogae, data.test[0], from: [0, 0, 0, 0, 0, 0, 0, 0], steps: 100)
            """) { call in
            try LatentFlow.figure(call)
        },
        .property(of: HistoryValue.self, on: "History", "loss", returns: .array(of: .double), summary: "The mean training loss of each epoch.") { h in
            .array(h.trainLoss.map { .double($0) })
        },
        .property(of: HistoryValue.self, on: "History", "trainLoss", returns: .array(of: .double), summary: "The mean training loss of each epoch (the same as loss).") { h in
            .array(h.trainLoss.map { .double($0) })
        },
        .property(of: HistoryValue.self, on: "History", "testLoss", returns: .array(of: .double), summary: "The L2 recover loss on the test split after each epoch.") { h in
            .array(h.testLoss.map { .double($0) })
        },
        .property(of: HistoryValue.self, on: "History", "batchLoss", returns: .array(of: .double), summary: "Every batch's loss.") { h in
            .array(h.batchLoss.map { .double($0) })
        },
        .property(of: HistoryValue.self, on: "History", "examples", returns: .array, summary: "Each tracked example's loss per epoch (one array per example).") { h in
            guard let tracked = h.tracked else { return .array([]) }
            return .array(tracked.examples.indices.map { k in
                .array(((try? tracked.series(forExample: k)) ?? []).map { .double($0) })
            })
        },
        .property(of: HistoryValue.self, on: "History", "seconds", returns: .double, summary: "How long the run took.") { .double($0.seconds) },
    ], types: [
        TypeDoc(name: "History", summary: "Losses recorded by train: history.loss, history.testLoss, history.examples; plottable."),
    ])
}

/// The `train` builtin's work.
enum Training {
    /// Display updates per second at most.
    static let updateInterval = 0.25

    static func run(_ call: Invocation) throws(ScriptError) -> Value {
        let model = try ExperimentsSupport.model(call)
        let epochs = try ExperimentsSupport.int(call, "epochs", in: 0...100_000)
        let batchSize = try ExperimentsSupport.int(call, "batchSize", in: 1...1_000_000)
        let learningRate = try call.arguments.double("learningRate")
        // Checked in the precision it is used in: 1e300 is not turned into an infinite step.
        guard learningRate > 0, learningRate.isFinite, Float(learningRate).isFinite, Float(learningRate) > 0 else {
            throw call.arguments.error("ValueError", "'learningRate' must be a positive Float32 number (up to about 3.4e38), got \(learningRate)", at: "learningRate")
        }
        let seed = try ExperimentsSupport.seed(call)
        var objective: Objective?
        if call.arguments.has("objective") {
            let name = try call.arguments.string("objective")
            guard let parsed = Objective(rawValue: name) else {
                throw call.arguments.error("ValueError", "unknown objective \"\(name)\"; use \"sse\", \"relative\" or \"elbo\"", at: "objective")
            }
            if parsed == .elbo && !model.model.isVariational {
                throw call.arguments.error("ValueError", "the elbo objective needs a VAE; \(model.name) trains with \"sse\" or \"relative\"", at: "objective")
            }
            objective = parsed
        }

        // The data as stored (a Split keeps its pixel order; the engine rearranges what differs
        // from the model's, and a fresh model adopts the data's).
        let source = call.arguments["on"]
        var testSplit: SplitValue?
        var trainSource: Value = source
        if case .host(let data as DatasetValue) = source {
            trainSource = .host(data.train)
            testSplit = data.test
        }
        let dataSize = model.model.dataSize
        var data: TrainingData
        if case .host(let split as SplitValue) = trainSource {
            guard split.split.pixelsPerImage == dataSize else {
                throw call.arguments.error("ValueError", "\(model.name) takes inputs of shape \(shapeText(model.model.layout.inputShape)) (\(dataSize) values each), but these images have \(split.split.pixelsPerImage) pixels (\(split.height)×\(split.width))", at: "on")
            }
            let images = try ExperimentsSupport.run(call) { try Tensor(shape: [split.count, dataSize], scalars: split.split.images.scalars) }
            data = TrainingData(images: images, pixelOrder: split.dataset.pixelPermutation, description: split.dataDescription)
        } else {
            let batch = try ImageBatch.from(trainSource, argument: "on", in: call)
            guard batch.images[0].count == dataSize else {
                throw call.arguments.error("ValueError", "\(model.name) takes inputs of shape \(shapeText(model.model.layout.inputShape)) (\(dataSize) values each), but these images have \(batch.images[0].count) pixels (\(batch.height)×\(batch.width))", at: "on")
            }
            let images = try ExperimentsSupport.run(call) { try Tensor(shape: [batch.count, dataSize], scalars: batch.images.flatMap { $0 }) }
            data = TrainingData(images: images, description: batch.description)
        }
        guard data.images.batchSize > 0 else { throw call.arguments.error("ValueError", "'on' holds no images", at: "on") }
        if let testSplit, testSplit.count > 0, testSplit.split.pixelsPerImage == dataSize {
            // The stored test images as they are (no copy when unshuffled); the engine puts them in
            // original order.
            let stored = try ExperimentsSupport.run(call) { try Tensor(shape: [testSplit.count, dataSize], scalars: testSplit.split.images.scalars) }
            data.test = try ExperimentsSupport.run(call) {
                try model.model.reordered(stored, from: testSplit.dataset.pixelPermutation, to: nil)
            }
        }
        if call.arguments.has("track") {
            let tracked = try ImageBatch.from(call.arguments["track"], argument: "track", in: call)
            guard tracked.images[0].count == dataSize else {
                throw call.arguments.error("ValueError", "the tracked images have \(tracked.images[0].count) pixels; \(model.name) takes \(dataSize)", at: "track")
            }
            data.tracked = (tracked.names, try ExperimentsSupport.run(call) {
                try Tensor(shape: [tracked.count, dataSize], scalars: tracked.images.flatMap { $0 })
            })
        }
        let options = TrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: Float(learningRate), seed: seed,
                                      objective: objective)

        let output = call.context.execution.output
        let displayID = "morph-train-\(call.context.execution.executionCount)-\(Training.nextRunNumber())"
        let imageCount = data.images.batchSize
        let batchesPerEpoch = imageCount / batchSize + (imageCount % batchSize == 0 ? 0 : 1)
        var meter = TrainingMeter(epochs: epochs, batchesPerEpoch: batchesPerEpoch)
        var throttle = UpdateThrottle(interval: updateInterval)
        let start = ContinuousClock.now
        let title = model.name
        func progress(finished: Bool, note: String? = nil, status: String? = nil) -> MimeBundle {
            let state = TrainingProgress(
                title: note.map { "\(title) (\($0))" } ?? title, epoch: meter.epoch + 1, epochs: max(epochs, 1),
                batch: meter.batchesDone == 0 ? 0 : meter.batch + 1, batches: batchesPerEpoch, loss: meter.loss,
                imagesPerSecond: meter.imagesPerSecond, secondsLeft: meter.secondsLeft,
                lossHistory: meter.lossCurve(points: 200), finished: finished, note: status)
            return MimeBundle(progress: state)
        }
        // The first display says it is starting (a terminal client shows only this one).
        let starting = model.model.isPrincipalComponents
            ? "fitting in closed form on \(imageCount) images"
            : "starting: \(epochs) epoch\(epochs == 1 ? "" : "s") of \(batchesPerEpoch) batch\(batchesPerEpoch == 1 ? "" : "es") (\(imageCount) images)"
        output.display(progress(finished: false, status: starting), displayID: displayID)

        var failure: Error?
        do {
            try model.model.train(data, options: options, cancellation: call.context.execution.cancellation) { p in
                meter.recordBatch(epoch: p.epoch, batch: p.batch, loss: Double(p.loss), images: p.images,
                                  elapsed: ExperimentsSupport.seconds(since: start))
                if throttle.shouldUpdate(at: ExperimentsSupport.seconds(since: start)) {
                    output.updateDisplay(progress(finished: false), displayID: displayID)
                }
            }
        } catch {
            failure = error
        }
        let provenance = Provenance(seed: seed, data: data.description, models: [model.label])
        let history = model.model.lastHistory.map { HistoryValue(modelName: model.name, history: $0, provenance: provenance) }
        if let history { model.lastHistory = history }
        switch failure {
        case nil where model.model.isPrincipalComponents:
            let loss = history?.trainLoss.last.map { ", L2 recover loss \(NumberText.significant($0))" } ?? ""
            output.updateDisplay(progress(finished: true, status: "fitted in closed form\(loss)"), displayID: displayID)
        case nil:
            output.updateDisplay(progress(finished: true), displayID: displayID)
        case is Interrupted:
            output.updateDisplay(progress(finished: false, note: "interrupted"), displayID: displayID)
            throw ScriptError(kind: "Interrupted", message: "training was interrupted after \(meter.batchesDone) batch(es); \(title) keeps the weights of the last completed batch and can be trained further")
        case let error as EngineError:
            output.updateDisplay(progress(finished: false, note: "stopped"), displayID: displayID)
            throw ScriptError(kind: "TrainingError", message: error.description)
        case let error?:
            output.updateDisplay(progress(finished: false, note: "stopped"), displayID: displayID)
            throw ScriptError(kind: "TrainingError", message: String(describing: error))
        }
        guard let history else { throw ScriptError(kind: "TrainingError", message: "training recorded no history") }
        return .host(history)
    }

    /// A counter making display ids unique within a process.
    private static let runCounter = Atomic<Int>(0)
    static func nextRunNumber() -> Int {
        runCounter.add(1, ordering: .relaxed).newValue
    }
}

import MorphEngine
import MorphJSON
import MorphRender

/// The gradient flow behind `infer` and `flowLoss`: its arguments read from a call, then run.
enum LatentFlow {
    /// The parameters `infer` and `flowLoss` share.
    static let parameters: [Parameter] = [
        .positional("model", .host("Model"), doc: "the model whose decoder explains the image"),
        .positional("image", .host("Image"), doc: "the image to explain"),
        .labeled("from", .optional(.array(of: .number)), default: Literal.none,
                 doc: "the starting latent, E numbers (default: the model's encoding, or z = 0 without an encoder)"),
        .labeled("steps", .int, default: .int(50), doc: "Euler steps"),
        .labeled("rate", .double, default: .double(0.1), doc: "β·dt per step"),
    ]

    /// The latent the flow reaches and ½‖x − r(z)‖² at the start and after every step.
    static func run(_ call: Invocation) throws(ScriptError) -> (model: ModelValue, image: ImageValue, latent: [Float], losses: [Float]) {
        let model = try ExperimentsSupport.model(call)
        let image = try ExperimentsSupport.image(call, "image")
        let steps = try ExperimentsSupport.int(call, "steps", in: 0...100_000)
        let rate = try call.arguments.double("rate")
        guard rate > 0, rate.isFinite, Float(rate).isFinite, Float(rate) > 0 else {
            throw call.arguments.error("ValueError", "'rate' must be a positive Float32 number, got \(rate)", at: "rate")
        }
        var start: [Float]?
        if call.arguments.has("from") {
            let values = try call.arguments.doubles("from")
            let size = model.model.latentSize
            guard values.count == size else {
                throw call.arguments.error("ValueError", "'from' must hold \(size) numbers (\(model.name)'s latent size), got \(values.count)", at: "from")
            }
            guard values.allSatisfy({ Float($0).isFinite }) else {
                throw call.arguments.error("ValueError", "'from' must hold finite Float32 numbers", at: "from")
            }
            start = values.map(Float.init)
        }
        let engine = model.model
        let cancellation = call.context.execution.cancellation
        let (latent, losses) = try ExperimentsSupport.run(call) { () throws -> ([Float], [Float]) in
            let x = try engine.toModelOrder(try Tensor(shape: [1, image.originalPixels.count], scalars: image.originalPixels))
            let z0 = try start.map { try Tensor(shape: [1, $0.count], scalars: $0) }
                ?? engine.inEvaluationMode { () throws(EngineError) in try engine.initialLatent(Variable(x)).value }
            let result = try GradientFlow(steps: steps, stepSize: Float(rate)).run(x, from: z0, cancellation: cancellation) { v throws(EngineError) in
                try engine.inEvaluationMode { () throws(EngineError) in try engine.decode(v) }
            }
            return (result.latent.scalars, result.losses)
        }
        guard latent.allSatisfy(\.isFinite) else {
            throw ScriptError(kind: "ValueError", message: "the gradient flow diverged (z became NaN or infinite); use a smaller rate")
        }
        return (model, image, latent, losses)
    }

    /// The flow's loss per step as a figure; its measurements are "loss" and "latent".
    static func figure(_ call: Invocation) throws(ScriptError) -> Value {
        let (model, image, latent, losses) = try run(call)
        let label = ExperimentsSupport.label(of: model)
        let series = try ExperimentsSupport.run(call) {
            [try Series(name: label, x: losses.indices.map(Double.init), y: losses.map(Double.init), mark: .line)]
        }
        let title = "Gradient flow for \(image.name), \(label): ½‖x − r(z)‖² from "
            + NumberText.significant(Double(losses.first ?? .nan)) + " to " + NumberText.significant(Double(losses.last ?? .nan))
        let chart = Chart(title: title, xLabel: "step", yLabel: "½‖x − r(z)‖²", series: series)
        let data: JSON = .object([
            "model": .string(label), "image": .string(image.name),
            "loss": .array(losses.map { .number(Double($0)) }), "latent": .array(latent.map { .number(Double($0)) }),
        ])
        return .host(FigureValue(chart: chart, data: data, provenance: Provenance(data: image.name, models: [model.label])))
    }
}

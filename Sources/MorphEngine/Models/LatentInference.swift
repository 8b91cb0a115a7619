/// The gradient flow dz/dt = β (x − r(z))ᵀ dr/dz, integrated with Euler steps of size
/// `stepSize` (= β·dt); it descends ½‖x − r(z)‖².
public struct GradientFlow: Sendable, Equatable {
    /// Euler steps.
    public var steps: Int
    /// β·dt per step.
    public var stepSize: Float

    /// A flow with the given steps and step size.
    public init(steps: Int = 100, stepSize: Float = 0.002) {
        self.steps = steps
        self.stepSize = stepSize
    }

    /// The latent z after `steps` Euler steps from `start` towards explaining x with `decoder`.
    public func infer(_ x: Tensor, from start: Tensor,
                      decoder: (Variable) throws(EngineError) -> Variable) throws(EngineError) -> Tensor {
        let target = try x.reshaped([x.batchSize, -1])
        var z = start
        for _ in 0..<steps {
            let tape = Tape(tracksParameters: false)
            let zv = tape.input(z)
            let r = try decoder(zv)
            let loss = try (Variable(target) - r).squared().sum().scaled(by: 0.5)
            let g = try tape.backward(from: loss, inputs: [zv])[0]
            z = try z - g * stepSize
        }
        guard z.isFinite else {
            throw .invalidArgument("the latent gradient flow diverged (step size \(stepSize), \(steps) steps); use a smaller stepSize")
        }
        return z
    }
}

/// A model whose latent is inferred by a gradient flow, optionally started from an
/// amortised encoder (SOGAE, MixtureDecoder).
public class DecoderModel: AutoEncoderModel {
    public let name: String
    public let latentSize: Int
    public let dataSize: Int
    /// The amortised encoder Linear(D, E) giving the flow's start, if any (else z = 0).
    public let amortisedEncoder: Linear?
    /// The latent inference used by `encode`.
    public var inference: GradientFlow
    public var isTraining = false
    public var defaultObjective: Objective { .sse }

    init(name: String, latentSize: Int, dataSize: Int, amortised: Bool, inference: GradientFlow,
         generator: inout RandomGenerator) throws(EngineError) {
        self.name = name
        self.latentSize = latentSize
        self.dataSize = dataSize
        self.inference = inference
        amortisedEncoder = amortised ? try Linear(dataSize, latentSize, generator: &generator) : nil
    }

    /// The decoder r(z), [N, E] → [N, D]; subclasses implement it.
    public func decode(_ z: Variable) throws(EngineError) -> Variable {
        throw .invalidArgument("\(name) has no decoder")
    }

    /// The flow's starting point: the amortised encoding or zeros.
    public func initialLatent(_ x: Variable) throws(EngineError) -> Variable {
        let flat = try flatImages(x)
        if let amortisedEncoder { return try amortisedEncoder(flat) }
        return Variable(try Tensor.zeros([flat.value.batchSize, latentSize]))
    }

    /// The inferred latent (a constant: the flow is not differentiated).
    public func encode(_ x: Variable) throws(EngineError) -> Variable {
        let start = try initialLatent(x.detached).value
        let z = try inference.infer(x.value, from: start) { v throws(EngineError) in try decode(v) }
        return Variable(z)
    }

    /// Decoder parameters in state_dict order (the amortised encoder's come first in `parameters`).
    public var decoderEntries: [(name: String, tensor: Parameter)] { [] }

    public var parameters: [Parameter] { stateEntries.map(\.tensor) }

    public var stateEntries: [(name: String, tensor: Parameter)] {
        (amortisedEncoder.map { e in e.parameters.map { ("enc.0.\($0.name)", $0) } } ?? []) + decoderEntries
    }

    public var summary: String { "\(name)(latent=\(latentSize), parameters=\(parameterCount))" }

    public func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool { false }

    /// Trains decoder (and amortised encoder) on r(e(x)) when amortised; otherwise on r(z*)
    /// with z* inferred by the flow from zero.
    public func trainingLoss(_ x: Variable, objective: Objective,
                             generator: inout RandomGenerator) throws(EngineError) -> Variable {
        let z: Variable
        if amortisedEncoder != nil {
            z = try initialLatent(x)
        } else {
            let inferred = try encode(x).value
            z = x.tape?.constant(inferred) ?? Variable(inferred)
        }
        return try reconstructionObjective(x, decode(z), objective: objective, generator: &generator)
    }
}

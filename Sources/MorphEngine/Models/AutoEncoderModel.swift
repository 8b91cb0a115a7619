/// What a model is trained to minimise (DESIGN.md "Objectives").
public enum Objective: String, Sendable, Equatable, CaseIterable {
    /// Per-image sum of squared errors over the pixels, averaged over the batch.
    case sse
    /// Mean over pairs (i, perm(i)) of ‖(xᵢ − xⱼ) − (r(zᵢ) − r(zⱼ))‖²; blind to a constant offset in r.
    case relative
    /// SSE + β · ½ Σₑ (μₑ² + σₑ² − log σₑ² − 1) (ConvVAE only).
    case elbo
}

/// An autoencoder (or a decoder with inferred latents): x ↦ z = e(x) ↦ r(z).
///
/// Models are reference types: training changes them in place. Images are [N, D] or
/// [N, 1, 28, 28] (any shape with D values per sample); decoders return [N, D].
public protocol AutoEncoderModel: AnyObject {
    /// The architecture's name ("ConvAutoEncoder").
    var name: String { get }
    /// The latent size E.
    var latentSize: Int { get }
    /// Values per image, D.
    var dataSize: Int { get }
    /// The objective `train` uses by default.
    var defaultObjective: Objective { get }
    /// Training mode (batch norm uses batch statistics) or evaluation mode (the default;
    /// `train` switches to training mode while it runs).
    var isTraining: Bool { get set }
    /// The encoding z = e(x), [N, E].
    func encode(_ x: Variable) throws(EngineError) -> Variable
    /// The decoding r(z), [N, D].
    func decode(_ z: Variable) throws(EngineError) -> Variable
    /// Trainable parameters, in state_dict order.
    var parameters: [Parameter] { get }
    /// Parameters and buffers with their PyTorch state_dict names, in state_dict order.
    var stateEntries: [(name: String, tensor: Parameter)] { get }
    /// A PyTorch-style description of the layers.
    var summary: String { get }
    /// The scalar loss of one training batch for an objective.
    func trainingLoss(_ x: Variable, objective: Objective,
                      generator: inout RandomGenerator) throws(EngineError) -> Variable
    /// Fits the model in closed form when it has one (PCA); returns whether it did.
    func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool
}

extension AutoEncoderModel {
    public func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool { false }

    public func trainingLoss(_ x: Variable, objective: Objective,
                             generator: inout RandomGenerator) throws(EngineError) -> Variable {
        let r = try decode(encode(x))
        return try reconstructionObjective(x, r, objective: objective, generator: &generator)
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Parameters and buffers as named tensors, in PyTorch state_dict order.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        stateEntries.map { ($0.name, $0.tensor.value) }
    }

    /// Loads named tensors (PyTorch names and layouts); every entry must be present with its shape.
    public func load(stateDict: [String: Tensor]) throws(EngineError) {
        for (name, p) in stateEntries {
            guard let t = stateDict[name] else {
                if name.hasSuffix("num_batches_tracked") { continue }
                throw .invalidArgument("\(self.name): the weights have no entry \"\(name)\"")
            }
            guard t.count == p.value.count else {
                throw .shapeMismatch(operation: "\(self.name) load \"\(name)\" (model, file)", lhs: p.value.shape, rhs: t.shape)
            }
            p.value = try t.reshaped(p.value.shape)
        }
    }

    /// Encodes images in evaluation mode, in chunks, without recording: [N, …] → [N, E].
    public func encode(_ images: Tensor, batchSize: Int = 1000) throws(EngineError) -> Tensor {
        try inEvaluationMode { () throws(EngineError) in
            try mapChunks(images, batchSize: batchSize) { chunk throws(EngineError) in try encode(Variable(chunk)).value }
        }
    }

    /// Decodes latents in evaluation mode, in chunks, without recording: [N, E] → [N, D].
    public func decode(_ z: Tensor, batchSize: Int = 1000) throws(EngineError) -> Tensor {
        try inEvaluationMode { () throws(EngineError) in
            try mapChunks(z, batchSize: batchSize) { chunk throws(EngineError) in try decode(Variable(chunk)).value }
        }
    }

    /// r(e(x)) in evaluation mode: [N, …] → [N, D].
    public func reconstruct(_ images: Tensor, batchSize: Int = 1000) throws(EngineError) -> Tensor {
        try decode(encode(images, batchSize: batchSize), batchSize: batchSize)
    }

    /// Runs `body` with the model in evaluation mode, restoring the mode after.
    public func inEvaluationMode<R>(_ body: () throws(EngineError) -> R) throws(EngineError) -> R {
        let was = isTraining
        isTraining = false
        defer { isTraining = was }
        return try body()
    }

    /// x as [N, D] (accepts any shape with D values per sample).
    func flatImages(_ x: Variable) throws(EngineError) -> Variable {
        guard x.value.rank >= 1, x.value.sampleSize == dataSize else {
            throw .invalidArgument("\(name) expects images with \(dataSize) values each, got shape \(x.value.shape)")
        }
        return x.value.rank == 2 ? x : try x.reshaped(toSample: [dataSize])
    }
}

/// Applies `body` to consecutive sample chunks and concatenates the results along axis 0.
func mapChunks(_ x: Tensor, batchSize: Int, _ body: (Tensor) throws(EngineError) -> Tensor) throws(EngineError) -> Tensor {
    Memory.configured
    let n = x.batchSize
    if n <= batchSize { return try body(x) }
    var parts: [Tensor] = []
    var start = 0
    while start < n {
        let end = min(n, start + batchSize)
        parts.append(try body(x.samples(start..<end)))
        start = end
    }
    return try Tensor.concatenate(parts, axis: 0)
}

/// The reconstruction objectives (sse, relative) on a batch x and its reconstruction r.
func reconstructionObjective(_ x: Variable, _ r: Variable, objective: Objective,
                             generator: inout RandomGenerator) throws(EngineError) -> Variable {
    let n = Float(max(1, x.value.batchSize))
    let target = x.value.rank == 2 ? x : try x.reshaped(toSample: [x.value.sampleSize])
    switch objective {
    case .sse, .elbo:
        return try Variable.apply(SquaredErrorSum(), [r, target]).scaled(by: 1 / n)
    case .relative:
        let d = try target - r
        let perm = generator.permutation(x.value.batchSize)
        return try (d - d.samples(at: perm)).squared().sum().scaled(by: 1 / n)
    }
}

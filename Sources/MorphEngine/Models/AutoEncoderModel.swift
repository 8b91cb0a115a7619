/// What a model is trained to minimise.
public enum Objective: String, Sendable, Equatable, CaseIterable {
    /// Per-image sum of squared errors over the pixels, averaged over the batch.
    case sse
    /// Mean over pairs (i, perm(i)) of ‖(xᵢ − xⱼ) − (r(zᵢ) − r(zⱼ))‖²; blind to a constant offset in r.
    case relative
    /// SSE + β · ½ Σₑ (μₑ² + σₑ² − log σₑ² − 1) (VAEs only).
    case elbo
}

/// An autoencoder built from a `ModelDefinition`: x ↦ z = e(x) ↦ r(z), with the weights the
/// definition's seed gives. Every model is one of these, the nine named ones included.
///
/// Models are reference types: training changes them in place. Images are [N, …] with D values
/// per sample (any shape); latents are [N, E] (the decoder sees them in the latent's shape);
/// decoders return [N, D].
public final class AutoEncoderModel {
    /// How it was built.
    public let definition: ModelDefinition
    /// The shapes through it.
    public let layout: ModelLayout
    /// The encoder, if any.
    public let encoder: (any Layer)?
    /// The decoder.
    public let decoder: any Layer
    /// PCA's variance captured by each component, descending (after fitting).
    public private(set) var explainedVariance: [Float] = []
    /// Stored pixel i of its training data was original pixel `pixelPermutation[i]` (nil: unshuffled);
    /// set with `adoptPixelPermutation(_:)`.
    public internal(set) var pixelPermutation: [Int]?
    /// The optimiser of its training runs, kept so training resumes where it stopped.
    public var optimizer: (any Optimizer)?
    /// What it has been trained with so far.
    public var record = TrainingRecord()
    /// The last training run's history (also when it was interrupted or stopped).
    public internal(set) var lastHistory: TrainingHistory?

    /// Builds the network of `definition` and draws its weights from its seed: the encoder's
    /// then the decoder's (the decoder's first when the latent is inferred by gradient flow);
    /// PCA starts at zero until fitted. Throws `NetworkError` when the layers do not fit.
    public init(_ definition: ModelDefinition) throws {
        let layout = try definition.layout()
        var g = RandomGenerator(seed: definition.seed)
        var encoder: (any Layer)?
        let decoder: any Layer
        if case .flow = definition.inference {
            decoder = try definition.decoder.makeLayer(input: layout.latentShape, generator: &g)
            encoder = try definition.encoder?.makeLayer(input: layout.inputShape, generator: &g)
        } else {
            encoder = try definition.encoder?.makeLayer(input: layout.inputShape, generator: &g)
            decoder = try definition.decoder.makeLayer(input: layout.latentShape, generator: &g)
        }
        self.definition = definition
        self.layout = layout
        self.encoder = encoder
        self.decoder = decoder
        // Evaluation mode until `train` switches it (batch norm then uses running statistics).
        isTraining = false
        encoder?.isTraining = false
        decoder.isTraining = false
        if case .principalComponents = definition.kind {
            for p in parameters { p.value = try Tensor.zeros(p.value.shape) }
        }
    }

    /// The model's label in tables, legends and captions.
    public var name: String { definition.name }
    /// E, the latent size.
    public var latentSize: Int { layout.latentCount }
    /// D, values per image.
    public var dataSize: Int { layout.dataCount }
    /// Whether it is a VAE.
    public var isVariational: Bool {
        if case .variational = definition.kind { return true }
        return false
    }
    /// Whether it is PCA, fitted in closed form.
    public var isPrincipalComponents: Bool {
        if case .principalComponents = definition.kind { return true }
        return false
    }
    /// The objective `train` uses by default.
    public var defaultObjective: Objective { isVariational ? .elbo : .sse }

    /// Training mode (batch norm uses batch statistics) or evaluation mode (the default;
    /// `train` switches to training mode while it runs).
    public var isTraining: Bool {
        didSet {
            encoder?.isTraining = isTraining
            decoder.isTraining = isTraining
        }
    }

    /// x as [N, input shape…] (accepts any shape with D values per sample).
    func inputBatch(_ x: Variable) throws(EngineError) -> Variable {
        guard x.value.rank >= 1, x.value.sampleSize == dataSize else {
            throw wrongInput(x.value.shape)
        }
        return Array(x.value.shape.dropFirst()) == layout.inputShape ? x : try x.reshaped(toSample: layout.inputShape)
    }

    /// The error for inputs whose samples do not have the model's D values.
    func wrongInput(_ shape: [Int]) -> EngineError {
        .invalidArgument("\(name) takes inputs of shape \(layout.inputShape) (\(dataSize) values each), but got samples of shape \(Array(shape.dropFirst()))")
    }

    /// The encoder's output, flattened to [N, E] (for a VAE [N, 2E]).
    func encoderOutput(_ x: Variable) throws(EngineError) -> Variable {
        guard let encoder else { throw .invalidArgument("\(name) has no encoder") }
        let h = try encoder(inputBatch(x))
        return h.value.rank == 2 ? h : try h.flattened()
    }

    /// Mean and log-variance of q(z|x), each [N, E] (a VAE's encoder output split in two halves).
    public func posterior(_ x: Variable) throws(EngineError) -> (mean: Variable, logVariance: Variable) {
        guard isVariational else { throw .invalidArgument("\(name) is not a VAE") }
        let h = try encoderOutput(x)
        return (try h.columns(0..<latentSize), try h.columns(latentSize..<(2 * latentSize)))
    }

    /// Where the gradient flow starts: the encoding when there is an encoder, else zeros.
    public func initialLatent(_ x: Variable) throws(EngineError) -> Variable {
        if encoder == nil { return Variable(try Tensor.zeros([try inputBatch(x).value.batchSize, latentSize])) }
        return isVariational ? try posterior(x).mean : try encoderOutput(x)
    }

    /// The encoding z = e(x), [N, E]: the encoder's output (a VAE's mean), or the latent the
    /// gradient flow infers (a constant: the flow is not differentiated).
    public func encode(_ x: Variable) throws(EngineError) -> Variable {
        guard case let .flow(flow) = definition.inference else { return try initialLatent(x) }
        let start = try initialLatent(x.detached).value
        do {
            return Variable(try flow.run(x.value, from: start) { v throws(EngineError) in try decode(v) }.latent)
        } catch let error as EngineError {
            throw error
        } catch {
            throw .invalidArgument(String(describing: error))
        }
    }

    /// The decoding r(z): [N, E] → [N, D].
    public func decode(_ z: Variable) throws(EngineError) -> Variable {
        guard z.value.rank == 2, z.value.shape[1] == latentSize else {
            throw .shapeMismatch(operation: "\(name).decode (latent [N, \(latentSize)])", lhs: z.value.shape, rhs: [latentSize])
        }
        let input = layout.latentShape.count == 1 ? z : try z.reshaped(toSample: layout.latentShape)
        let r = try decoder(input)
        return r.value.rank == 2 ? r : try r.flattened()
    }

    /// Trainable parameters, in state_dict order (the encoder's, then the decoder's).
    public var parameters: [Parameter] { (encoder?.parameters ?? []) + decoder.parameters }

    /// Parameters and buffers with the names a PyTorch module with `encoder` and `decoder`
    /// attributes gives them ("encoder.0.weight", "decoder.3.bias"), in state_dict order.
    public var stateEntries: [(name: String, tensor: Parameter)] {
        (encoder?.stateEntries(prefix: "encoder.") ?? []) + decoder.stateEntries(prefix: "decoder.")
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Parameters and buffers as named tensors, in state_dict order.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        stateEntries.map { ($0.name, $0.tensor.value) }
    }

    /// A PyTorch-style description of the layers.
    public var summary: String {
        var text = "\(name)(latent=\(latentSize), parameters=\(parameterCount))"
        if let encoder { text += "\n  (encoder): " + indented(encoder.summary) }
        return text + "\n  (decoder): " + indented(decoder.summary)
    }

    /// The scalar loss of one training batch for an objective.
    public func trainingLoss(_ x: Variable, objective: Objective,
                             generator: inout RandomGenerator) throws(EngineError) -> Variable {
        if objective == .elbo {
            guard case let .variational(beta) = definition.kind else {
                throw .invalidArgument("the elbo objective needs a VAE; \(name) trains with sse or relative")
            }
            let (mu, logVar) = try posterior(x)
            let noise = try Tensor.randomNormal(mu.value.shape, generator: &generator)
            let z = try mu + logVar.scaled(by: 0.5).exp() * Variable(noise)
            let sse = try reconstructionObjective(x, decode(z), objective: .sse, generator: &generator)
            let n = Float(max(1, x.value.batchSize))
            let kl = try (mu.squared() + logVar.exp() - logVar).shifted(by: -1).sum().scaled(by: 0.5 * Float(beta) / n)
            return try sse + kl
        }
        let z: Variable
        if case .flow = definition.inference {
            if encoder != nil {
                // Trained through the flow's amortised start.
                z = try initialLatent(x)
            } else {
                let inferred = try encode(x).value
                z = x.tape?.constant(inferred) ?? Variable(inferred)
            }
        } else {
            z = try encode(x)
        }
        return try reconstructionObjective(x, decode(z), objective: objective, generator: &generator)
    }
}

extension AutoEncoderModel {
    /// Loads named tensors (PyTorch names and layouts); every entry must be present with its shape.
    public func load(stateDict: [String: Tensor]) throws(EngineError) {
        var loaded: [(Parameter, Tensor)] = []
        for (name, p) in stateEntries {
            guard let t = stateDict[name] else {
                if name.hasSuffix("num_batches_tracked") { continue }
                throw .invalidArgument("\(self.name): the weights have no entry \"\(name)\"")
            }
            guard t.shape == p.value.shape else {
                throw .shapeMismatch(operation: "\(self.name) load \"\(name)\" (model, file)", lhs: p.value.shape, rhs: t.shape)
            }
            loaded.append((p, t))
        }
        for (p, t) in loaded { p.value = t }
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

    /// Fits PCA in closed form (e(x) = Vᵀ(x − μ), r(z) = V z + μ with V the top-E eigenvectors
    /// of the data covariance, LAPACK dsyevd); returns false for every other model.
    public func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool {
        guard isPrincipalComponents else { return false }
        let n = images.batchSize, d = dataSize, e = latentSize
        guard images.sampleSize == d, n > 1 else {
            throw .invalidArgument("PCA needs at least 2 images of \(d) values, got shape \(images.shape)")
        }
        guard e <= d else { throw .invalidArgument("PCA: latent \(e) exceeds the data size \(d)") }
        let x = try images.reshaped([n, d])
        let mean = try x.mean(axis: 0)
        let centred = try x - mean
        let cov = try Tensor.matmul(centred, centred, transposingA: true) / Float(n - 1)
        let (values, vectors) = try symmetricEigen(cov.scalars.map { Double($0) }, n: d)
        // Top e columns, descending; sign fixed so each component's largest entry is positive.
        var v = [Float](repeating: 0, count: d * e)
        for c in 0..<e {
            let col = d - 1 - c
            var largest = 0.0
            for i in 0..<d where abs(vectors[i * d + col]) > abs(largest) { largest = vectors[i * d + col] }
            let sign: Double = largest < 0 ? -1 : 1
            for i in 0..<d { v[i * e + c] = Float(sign * vectors[i * d + col]) }
        }
        let basis = Tensor(unchecked: [d, e], scalars: v)           // V [D, E]
        let encWeight = try basis.transposed()                         // Vᵀ [E, D]
        let encBias = -(try Tensor.matmul(encWeight, mean.reshaped([d, 1])).reshaped([e]))
        let entries = stateEntries
        guard entries.count == 4 else { throw .invalidArgument("PCA layers are not as built") }
        for (entry, value) in zip(entries, [encWeight, encBias, basis, mean]) {
            guard entry.tensor.value.shape == value.shape else { throw .invalidArgument("PCA layers are not as built") }
            entry.tensor.value = value
        }
        explainedVariance = (0..<e).map { Float(values[d - 1 - $0]) }
        return true
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

/// Text with every line after the first indented by two spaces.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
}

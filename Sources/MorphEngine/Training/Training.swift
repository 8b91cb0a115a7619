/// Progress of one training batch, for a live display.
public struct BatchProgress: Sendable {
    /// Epoch (from 0) and batch within it (from 0).
    public var epoch: Int, batch: Int
    /// Batches per epoch and epochs in the run.
    public var batchesPerEpoch: Int, epochs: Int
    /// This batch's loss.
    public var loss: Float
}

/// What a training run did.
public struct TrainingReport: Sendable {
    /// The mean batch loss of each completed epoch.
    public var epochLosses: [Float]
    /// Batches completed in total.
    public var batchesCompleted: Int
}

/// Trains a model in place on images [N, …] with seeded shuffled minibatches.
///
/// The callback runs after every batch; `cancellation` is checked before every batch (an
/// interrupt throws `Interrupted`, leaving the weights after the last completed batch).
/// A NaN or Inf loss or gradient stops with `EngineError.nonFinite` after restoring the
/// last weights that gave a finite loss. Same seed and thread count → identical results.
@discardableResult
public func train(_ model: AutoEncoderModel, on images: Tensor, epochs: Int, batchSize: Int = 128,
                  optimizer: any Optimizer = Adam(), objective: Objective? = nil, seed: UInt64 = 0,
                  cancellation: CancellationToken? = nil,
                  onBatch: ((BatchProgress) -> Void)? = nil) throws -> TrainingReport {
    guard images.rank >= 2, images.sampleSize == model.dataSize else {
        throw EngineError.invalidArgument("\(model.name) trains on images of \(model.dataSize) values each, got shape \(images.shape)")
    }
    guard images.batchSize > 0 else {
        throw EngineError.invalidArgument("train needs at least one image, got shape \(images.shape)")
    }
    guard epochs >= 0, batchSize > 0 else {
        throw EngineError.invalidArgument("train needs epochs ≥ 0 and batchSize > 0 (got \(epochs), \(batchSize))")
    }
    let objective = objective ?? model.defaultObjective
    if objective == .elbo && !model.isVariational {
        throw EngineError.invalidArgument("the elbo objective needs a ConvVAE; \(model.name) trains with sse or relative")
    }
    if try model.fitClosedForm(images) {
        return TrainingReport(epochLosses: [try meanReconstructionLoss(model, on: images)], batchesCompleted: 0)
    }
    let n = images.batchSize
    let batches = (n + batchSize - 1) / batchSize
    var generator = RandomGenerator(seed: seed)
    var report = TrainingReport(epochLosses: [], batchesCompleted: 0)
    let parameters = model.parameters
    let entries = model.stateEntries
    model.isTraining = true
    defer { model.isTraining = false }
    for epoch in 0..<epochs {
        let order = generator.permutation(n)
        var total = 0.0
        for b in 0..<batches {
            try cancellation?.checkCancellation()
            let snapshot = entries.map(\.tensor.value)
            let indices = Array(order[(b * batchSize)..<min(n, (b + 1) * batchSize)])
            let tape = Tape()
            let x = tape.constant(try images.samples(at: indices))
            let loss = try model.trainingLoss(x, objective: objective, generator: &generator)
            let value = loss.value.scalars[0]
            let gradients = try { () throws -> Bool in
                guard value.isFinite else { return false }
                try tape.backward(from: loss)
                return parameters.allSatisfy { $0.gradient?.isFinite ?? true }
            }()
            if !gradients {
                for (entry, saved) in zip(entries, snapshot) { entry.tensor.value = saved }
                for p in parameters { p.gradient = nil }
                throw EngineError.nonFinite(epoch: epoch, batch: b, loss: value.isFinite ? .nan : value)
            }
            try optimizer.step(parameters)
            total += Double(value)
            report.batchesCompleted += 1
            onBatch?(BatchProgress(epoch: epoch, batch: b, batchesPerEpoch: batches, epochs: epochs, loss: value))
        }
        report.epochLosses.append(Float(total / Double(max(1, batches))))
    }
    return report
}

/// Per-image reconstruction errors Σ_pixels (x − r(e(x)))², [N], in evaluation mode.
public func reconstructionErrors(_ model: AutoEncoderModel, on images: Tensor,
                                 batchSize: Int = 1000) throws(EngineError) -> Tensor {
    try mapChunks(images, batchSize: batchSize) { chunk throws(EngineError) in
        let r = try model.reconstruct(chunk, batchSize: batchSize)
        return try (chunk.reshaped([chunk.batchSize, -1]) - r).squaredNormPerSample()
    }
}

/// The L2 recover loss: mean over images of Σ_pixels (x − r(e(x)))².
public func meanReconstructionLoss(_ model: AutoEncoderModel, on images: Tensor) throws(EngineError) -> Float {
    let errors = try reconstructionErrors(model, on: images)
    return Float(errors.scalars.reduce(0.0) { $0 + Double($1) } / Double(max(1, errors.count)))
}

/// The per-pixel mean squared error (the L2 recover loss divided by D).
public func pixelMeanSquaredError(_ model: AutoEncoderModel, on images: Tensor) throws(EngineError) -> Float {
    try meanReconstructionLoss(model, on: images) / Float(model.dataSize)
}

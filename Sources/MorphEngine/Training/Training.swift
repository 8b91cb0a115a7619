/// How to train: epochs, batch size, the step size, the seed of the batch order and the objective.
public struct TrainingOptions: Sendable, Equatable {
    /// Passes over the data (PCA fits in one, in closed form).
    public var epochs: Int
    /// Images per step.
    public var batchSize: Int
    /// Adam's step size (the optimiser's own when nil).
    public var learningRate: Float?
    /// Fixes the batch order (and the noise of the elbo objective, the pairs of relative).
    public var seed: UInt64
    /// What to minimise; the model's default (sse, or elbo for a VAE) when nil.
    public var objective: Objective?

    /// Options for a run.
    public init(epochs: Int = 5, batchSize: Int = 128, learningRate: Float? = nil, seed: UInt64 = 0,
                objective: Objective? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.objective = objective
    }
}

/// The data of one training run: the images, and what to evaluate after every epoch.
public struct TrainingData {
    /// The training images [N, …], D values each, stored in pixel order `pixelOrder`.
    public var images: Tensor
    /// Stored pixel i of `images` is original pixel `pixelOrder[i]` (nil: original order).
    public var pixelOrder: [Int]?
    /// What they are ("fashion-mnist train, classes 0, 1").
    public var description: String
    /// Test images in original pixel order; their L2 recover loss is recorded after every epoch.
    public var test: Tensor?
    /// Examples in original pixel order whose loss is recorded after every epoch, with their names.
    public var tracked: (names: [String], images: Tensor)?

    /// Data for a run.
    public init(images: Tensor, pixelOrder: [Int]? = nil, description: String = "images", test: Tensor? = nil,
                tracked: (names: [String], images: Tensor)? = nil) {
        self.images = images
        self.pixelOrder = pixelOrder
        self.description = description
        self.test = test
        self.tracked = tracked
    }
}

/// What one training run recorded.
public struct TrainingHistory: Sendable, Equatable {
    /// The objective trained.
    public var objective: Objective
    /// The mean batch loss of each completed epoch.
    public var trainLoss: [Double] = []
    /// The L2 recover loss on the test images after each epoch (empty without test images).
    public var testLoss: [Double] = []
    /// Every batch's loss.
    public var batchLoss: [Double] = []
    /// The tracked examples' losses after each epoch.
    public var tracked: ExampleLossHistory?
    /// Seconds the run took.
    public var seconds = 0.0

    /// An empty history.
    public init(objective: Objective, trackedExamples: [String]? = nil) {
        self.objective = objective
        tracked = trackedExamples.map { ExampleLossHistory(examples: $0) }
    }
}

/// What a model has been trained with so far, over all runs (saved with it).
public struct TrainingRecord: Sendable, Equatable {
    /// Completed epochs.
    public var epochs = 0
    /// Completed batches.
    public var batches = 0
    /// Seconds spent training.
    public var seconds = 0.0
    /// The data of the last run.
    public var data: String?
    /// Whether it was fitted in closed form (PCA).
    public var fitted = false

    /// A record of no training.
    public init() {}

    /// Whether the model has learned anything yet.
    public var isFresh: Bool { epochs == 0 && batches == 0 && !fitted }
}

/// One completed training batch, for progress displays.
public struct BatchProgress: Sendable {
    /// Epoch (from 0) and batch within it (from 0).
    public var epoch: Int, batch: Int
    /// Batches per epoch and epochs in the run.
    public var batchesPerEpoch: Int, epochs: Int
    /// This batch's loss.
    public var loss: Float
    /// Images in this batch.
    public var images: Int
}

extension AutoEncoderModel {
    /// Trains the model in place with seeded shuffled minibatches and the model's optimiser
    /// (Adam, created on the first run and kept, so training again resumes), recording the loss
    /// of every batch, and after every epoch the test loss and the tracked examples' losses.
    ///
    /// Everything is checked before the model changes. A fresh model adopts the pixel order of
    /// its data. `cancellation` is checked before every batch: an interrupt keeps the weights of
    /// the last completed batch. After every step the weights are checked: a NaN or Inf loss,
    /// gradient or weight puts every state_dict entry and the optimiser state back to their
    /// values after the last finite step and throws `EngineError.nonFinite`. The run's history
    /// is `lastHistory` whether it completed or not. Same seed and thread count → same results.
    @discardableResult
    public func train(_ data: TrainingData, options: TrainingOptions, cancellation: CancellationToken? = nil,
                      onBatch: ((BatchProgress) -> Void)? = nil) throws -> TrainingHistory {
        let objective = options.objective ?? defaultObjective
        guard options.epochs >= 0, options.batchSize > 0 else {
            throw EngineError.invalidArgument("train needs epochs ≥ 0 and batchSize > 0 (got \(options.epochs), \(options.batchSize))")
        }
        if let rate = options.learningRate, !(rate > 0 && rate.isFinite) {
            throw EngineError.invalidArgument("the learning rate must be positive and finite in Float32, got \(rate)")
        }
        if objective == .elbo && !isVariational {
            throw EngineError.invalidArgument("the elbo objective needs a VAE; \(name) trains with sse or relative")
        }
        let images = try flatSamples(data.images)
        guard images.batchSize > 0 else { throw EngineError.invalidArgument("train needs at least one image, got shape \(data.images.shape)") }
        if let test = data.test { _ = try flatSamples(test) }
        if let tracked = data.tracked {
            guard try flatSamples(tracked.images).batchSize == tracked.names.count else {
                throw EngineError.invalidArgument("\(tracked.names.count) tracked names for \(tracked.images.batchSize) images")
            }
        }
        if let order = data.pixelOrder, order.count != dataSize || Set(order) != Set(0..<dataSize) {
            throw EngineError.invalidArgument("the data's pixel order must rearrange all \(dataSize) pixels")
        }
        // The images in the model's pixel order (a fresh model adopts the data's).
        let target = record.isFresh && pixelPermutation == nil ? data.pixelOrder : pixelPermutation
        let trainImages = data.pixelOrder == target ? images : try reordered(images, from: data.pixelOrder, to: target)
        try adoptPixelPermutation(target)

        let optimizer = self.optimizer ?? Adam(learningRate: options.learningRate ?? 1e-3)
        if let rate = options.learningRate { optimizer.learningRate = rate }
        self.optimizer = optimizer
        var history = TrainingHistory(objective: objective, trackedExamples: data.tracked?.names)
        let clock = ContinuousClock(), start = clock.now
        defer {
            let elapsed = clock.now - start
            history.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            record.seconds += history.seconds
            record.data = data.description
            lastHistory = history
        }
        func evaluate() throws {
            if let test = data.test {
                history.testLoss.append(Double(try meanReconstructionLoss(self, onOriginals: test, cancellation: cancellation)))
            }
            if let tracked = data.tracked {
                let errors = try reconstructionErrors(self, onOriginals: tracked.images, cancellation: cancellation)
                try history.tracked?.record(errors.scalars.map(Double.init))
            }
        }
        if try fitClosedForm(trainImages) {
            history.trainLoss = [Double(try meanReconstructionLoss(self, on: trainImages))]
            record.fitted = true
            try evaluate()
            return history
        }

        let n = trainImages.batchSize, batchSize = options.batchSize
        let batches = n / batchSize + (n % batchSize == 0 ? 0 : 1)
        var generator = RandomGenerator(seed: options.seed)
        let parameters = self.parameters
        let buffers = stateEntries.map(\.tensor).filter { entry in !parameters.contains { $0 === entry } }
        // The last finite step, for the message when a later one is not.
        var lastFinite: (epoch: Int, batch: Int)?
        isTraining = true
        defer { isTraining = false }
        for epoch in 0..<options.epochs {
            let order = generator.permutation(n)
            var total = 0.0
            for b in 0..<batches {
                try cancellation?.checkCancellation()
                let savedBuffers = buffers.map(\.value)  // batch-norm statistics change in the forward pass
                let indices = Array(order[(b * batchSize)..<min(n, (b + 1) * batchSize)])
                let tape = Tape()
                let x = tape.constant(try trainImages.samples(at: indices))
                let loss = try trainingLoss(x, objective: objective, generator: &generator)
                let value = loss.value.scalars[0]
                var finite = value.isFinite
                if finite {
                    try tape.backward(from: loss)
                    finite = parameters.allSatisfy { $0.gradient?.isFinite ?? true }
                }
                if finite {
                    // The optimiser reports a non-finite new weight (Adam's kernel checks each as it writes it).
                    finite = try optimizer.step(parameters)
                    if !finite { optimizer.undoLastStep(parameters) }
                }
                if !finite {
                    for (buffer, saved) in zip(buffers, savedBuffers) { buffer.value = saved }
                    for p in parameters { p.gradient = nil }
                    throw EngineError.nonFinite(epoch: epoch, batch: b, loss: value.isFinite ? .nan : value,
                                                lastFinite: lastFinite.map { [$0.epoch, $0.batch] })
                }
                lastFinite = (epoch, b)
                total += Double(value)
                history.batchLoss.append(Double(value))
                record.batches += 1
                onBatch?(BatchProgress(epoch: epoch, batch: b, batchesPerEpoch: batches, epochs: options.epochs,
                                       loss: value, images: indices.count))
            }
            history.trainLoss.append(total / Double(max(1, batches)))
            record.epochs += 1
            isTraining = false
            try evaluate()
            isTraining = true
        }
        return history
    }

    /// Images [N, D] stored in pixel order `from` rearranged into pixel order `to` (nil: original
    /// order); the same tensor, not a copy, when the orders agree.
    public func reordered(_ images: Tensor, from: [Int]?, to: [Int]?) throws(EngineError) -> Tensor {
        let d = dataSize
        guard images.rank == 2, images.shape[1] == d else {
            throw .shapeMismatch(operation: "reordered (images [N, D])", lhs: images.shape, rhs: [d])
        }
        for order in [from, to] {
            if let order, order.count != d || Set(order) != Set(0..<d) {
                throw .invalidArgument("a pixel order must rearrange all \(d) pixels")
            }
        }
        if from == to { return images }
        var original = images
        if let from {
            images.scalars.withUnsafeBufferPointer { src in
                original.scalars.withUnsafeMutableBufferPointer { dst in
                    for s in 0..<images.batchSize { for i in 0..<d { dst[s * d + from[i]] = src[s * d + i] } }
                }
            }
        }
        guard let to else { return original }
        var out = original
        original.scalars.withUnsafeBufferPointer { src in
            out.scalars.withUnsafeMutableBufferPointer { dst in
                for s in 0..<original.batchSize { for i in 0..<d { dst[s * d + i] = src[s * d + to[i]] } }
            }
        }
        return out
    }
}

/// Trains a model in place on images [N, …] in its own pixel order (see `AutoEncoderModel.train`);
/// `optimizer` replaces the model's. Returns the run's history.
@discardableResult
public func train(_ model: AutoEncoderModel, on images: Tensor, epochs: Int, batchSize: Int = 128,
                  optimizer: (any Optimizer)? = nil, objective: Objective? = nil, seed: UInt64 = 0,
                  cancellation: CancellationToken? = nil,
                  onBatch: ((BatchProgress) -> Void)? = nil) throws -> TrainingHistory {
    if let optimizer { model.optimizer = optimizer }
    return try model.train(TrainingData(images: images, pixelOrder: model.pixelPermutation),
                           options: TrainingOptions(epochs: epochs, batchSize: batchSize, seed: seed, objective: objective),
                           cancellation: cancellation, onBatch: onBatch)
}

/// Per-image reconstruction errors Σ_pixels (x − r(e(x)))², [N], in evaluation mode.
public func reconstructionErrors(_ model: AutoEncoderModel, on images: Tensor,
                                 batchSize: Int = 1000) throws(EngineError) -> Tensor {
    try mapChunks(images, batchSize: batchSize) { chunk throws(EngineError) in
        let r = try model.reconstruct(chunk, batchSize: batchSize)
        return try (chunk.reshaped([chunk.batchSize, -1]) - r).squaredNormPerSample()
    }
}

/// Per-image reconstruction errors of images in original pixel order (through the model's pixel
/// order), [N], checking `cancellation` between chunks.
public func reconstructionErrors(_ model: AutoEncoderModel, onOriginals images: Tensor,
                                 cancellation: CancellationToken? = nil) throws -> Tensor {
    try chunked(try model.toModelOrder(images), batchSize: 1000, cancellation: cancellation) { chunk throws(EngineError) in
        try reconstructionErrors(model, on: chunk)
    }
}

/// The L2 recover loss: mean over images of Σ_pixels (x − r(e(x)))².
public func meanReconstructionLoss(_ model: AutoEncoderModel, on images: Tensor) throws(EngineError) -> Float {
    let errors = try reconstructionErrors(model, on: images)
    return Float(errors.scalars.reduce(0.0) { $0 + Double($1) } / Double(max(1, errors.count)))
}

/// The L2 recover loss of images in original pixel order.
public func meanReconstructionLoss(_ model: AutoEncoderModel, onOriginals images: Tensor,
                                   cancellation: CancellationToken? = nil) throws -> Float {
    let errors = try reconstructionErrors(model, onOriginals: images, cancellation: cancellation)
    return Float(errors.scalars.reduce(0.0) { $0 + Double($1) } / Double(max(1, errors.count)))
}

/// The per-pixel mean squared error (the L2 recover loss divided by D).
public func pixelMeanSquaredError(_ model: AutoEncoderModel, on images: Tensor) throws(EngineError) -> Float {
    try meanReconstructionLoss(model, on: images) / Float(model.dataSize)
}

import Testing
@testable import MorphEngine

/// Generated images in [0, 1] lying near a low-dimensional manifold.
func generatedImages(count: Int, seed: UInt64) throws -> Tensor {
    let basis = try normal([4, 784], seed: seed, scale: 0.5), codes = try normal([count, 4], seed: seed + 1)
    return try Tensor.matmul(codes, basis).map { 1 / (1 + _expApprox(-$0)) }
}

func _expApprox(_ x: Float) -> Float { Float(Double(x).exponential) }

extension Double {
    var exponential: Double {
        var result = 1.0, term = 1.0
        let reduced = self / 64
        for i in 1..<20 { term *= reduced / Double(i); result += term }
        for _ in 0..<6 { result *= result }
        return result
    }
}

@Suite("Training")
struct TrainingTests {
    @Test func tinyAutoencoderLearns() throws {
        let data = try generatedImages(count: 256, seed: 1)
        let model = try AutoEncoderModel(.autoEncoder, latent: 4, seed: 0)
        let before = try meanReconstructionLoss(model, on: data)
        var batches = 0
        let report = try train(model, on: data, epochs: 10, batchSize: 32, optimizer: Adam(learningRate: 1e-2), seed: 3) { _ in
            batches += 1
        }
        let after = try meanReconstructionLoss(model, on: data)
        #expect(batches == 80)
        #expect(report.trainLoss.count == 10)
        print("tiny autoencoder: loss \(before) → \(after)")
        #expect(after < 18, "loss \(before) → \(after)")
        #expect(report.trainLoss.last! < report.trainLoss.first!)
    }

    @Test func everyObjectiveAndOptimizerRuns() throws {
        let data = try generatedImages(count: 16, seed: 3)
        let models: [AutoEncoderModel] = [try AutoEncoderModel(.convAutoEncoder, latent: 2), try AutoEncoderModel(.locallyConnectedAutoEncoder, latent: 2),
                                              try AutoEncoderModel(.mixtureDecoder, latent: 2, components: 3), try AutoEncoderModel(.sogae, latent: 2)]
        for model in models {
            let r = try train(model, on: data, epochs: 1, batchSize: 8, optimizer: SGD(learningRate: 1e-3, momentum: 0.9))
            #expect(r.trainLoss.allSatisfy { $0.isFinite }, "\(model.name)")
        }
        let ae = try AutoEncoderModel(.autoEncoder, latent: 2)
        #expect(try train(ae, on: data, epochs: 1, batchSize: 8, objective: .relative).trainLoss[0].isFinite)
        #expect(throws: EngineError.self) { try train(ae, on: data, epochs: 1, objective: .elbo) }
        let vae = try AutoEncoderModel(.convVAE, latent: 2, beta: 4)
        #expect(try train(vae, on: data, epochs: 1, batchSize: 8).trainLoss[0].isFinite)
    }

    @Test func optimizerStateRoundTrips() throws {
        let data = try generatedImages(count: 32, seed: 4)
        let a = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 1), b = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 1)
        let adamA = Adam(learningRate: 1e-2), adamB = Adam(learningRate: 1e-2)
        try train(a, on: data, epochs: 1, batchSize: 8, optimizer: adamA, seed: 1)
        try b.load(stateDict: Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.name, $0.tensor) }))
        try adamB.restore(adamA.state)
        try train(a, on: data, epochs: 1, batchSize: 8, optimizer: adamA, seed: 2)
        try train(b, on: data, epochs: 1, batchSize: 8, optimizer: adamB, seed: 2)
        #expect(a.stateDict().map(\.tensor) == b.stateDict().map(\.tensor))
    }

    @Test func interruptKeepsWeightsOfLastCompletedBatch() throws {
        let data = try generatedImages(count: 64, seed: 5)
        let model = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 2)
        let token = CancellationToken()
        var atThird: [Tensor] = []
        #expect(throws: Interrupted.self) {
            try train(model, on: data, epochs: 3, batchSize: 8, seed: 1, cancellation: token) { progress in
                if progress.batch == 2 {
                    atThird = model.stateDict().map(\.tensor)
                    token.cancel()
                }
            }
        }
        #expect(!atThird.isEmpty)
        #expect(model.stateDict().map(\.tensor) == atThird)
    }

    @Test func nonFiniteLossStopsAndRestoresTheLastFiniteStep() throws {
        let data = try generatedImages(count: 64, seed: 6)
        let model = try AutoEncoderModel(.sogae, latent: 2, seed: 3)
        let z = try Tensor(shape: [2, 2], scalars: [0.3, -0.2, 1, 0.5])
        var afterLastBatch: Tensor?
        do {
            try train(model, on: data, epochs: 5, batchSize: 8, optimizer: SGD(learningRate: 1e4)) { _ in
                afterLastBatch = try? model.decode(z)
            }
            Issue.record("expected a non-finite error")
        } catch let error as EngineError {
            guard case .nonFinite(_, _, _, let lastFinite) = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("batch"))
            #expect(lastFinite != nil, "the loss diverged after some finite steps")
        }
        #expect(model.parameters.allSatisfy { $0.value.isFinite })
        // The model's outputs equal those after the last finite step.
        #expect(try model.decode(z) == #require(afterLastBatch))
        #expect(model.lastHistory?.batchLoss.isEmpty == false)
    }

    @Test func aStepThatLeavesAWeightNonFiniteIsUndoneWithTheOptimizerState() throws {
        let data = try generatedImages(count: 64, seed: 7)
        let model = try AutoEncoderModel(.autoEncoderBN, latent: 2, seed: 4)
        try model.train(TrainingData(images: data), options: TrainingOptions(epochs: 1, batchSize: 16, learningRate: 1e-3))
        let weights = model.stateDict().map(\.tensor)
        let adam = try #require(model.optimizer as? Adam)
        let state = adam.state
        let z = try Tensor(shape: [1, 2], scalars: [0.1, 0.4])
        let outputs = try model.decode(z)
        // A step size of 3e38 makes Adam's bias-corrected step infinite: the loss and gradients are
        // finite, the weights after the step are not.
        let error = #expect(throws: EngineError.self) {
            try model.train(TrainingData(images: data), options: TrainingOptions(epochs: 1, batchSize: 16, learningRate: 3e38))
        }
        guard case .nonFinite(let epoch, let batch, _, let lastFinite)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(epoch == 0 && batch == 0 && lastFinite == nil)
        #expect(error?.description.contains("no step of this run had finished") == true)
        #expect(model.stateDict().map(\.tensor) == weights, "weights and batch-norm statistics are put back")
        #expect(adam.state == state, "the optimiser state is put back")
        #expect(try model.decode(z) == outputs)
        // Training goes on from there as if the failed run had not happened.
        #expect(throws: Never.self) {
            try model.train(TrainingData(images: data), options: TrainingOptions(epochs: 1, batchSize: 16, learningRate: 1e-3))
        }
        #expect(adam.stepCount == 8)
    }

    @Test func aFreshModelAdoptsTheDataPixelOrderAndARejectedCallChangesNothing() throws {
        let data = try generatedImages(count: 16, seed: 8)
        let model = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 5)
        let order = Array((0..<784).reversed())
        #expect(throws: EngineError.self) {
            try model.train(TrainingData(images: data, pixelOrder: order), options: TrainingOptions(epochs: 1, batchSize: 0))
        }
        #expect(model.pixelPermutation == nil && model.optimizer == nil && model.record.isFresh)
        try model.train(TrainingData(images: data, pixelOrder: order, description: "reversed"), options: TrainingOptions(epochs: 1, batchSize: 8))
        #expect(model.pixelPermutation == order)
        #expect(model.record.epochs == 1 && model.record.batches == 2 && model.record.data == "reversed")
    }
}

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
        #expect(report.epochLosses.count == 10)
        print("tiny autoencoder: loss \(before) → \(after)")
        #expect(after < 18, "loss \(before) → \(after)")
        #expect(report.epochLosses.last! < report.epochLosses.first!)
    }

    @Test func everyObjectiveAndOptimizerRuns() throws {
        let data = try generatedImages(count: 16, seed: 3)
        let models: [AutoEncoderModel] = [try AutoEncoderModel(.convAutoEncoder, latent: 2), try AutoEncoderModel(.locallyConnectedAutoEncoder, latent: 2),
                                              try AutoEncoderModel(.mixtureDecoder, latent: 2, components: 3), try AutoEncoderModel(.sogae, latent: 2)]
        for model in models {
            let r = try train(model, on: data, epochs: 1, batchSize: 8, optimizer: SGD(learningRate: 1e-3, momentum: 0.9))
            #expect(r.epochLosses.allSatisfy { $0.isFinite }, "\(model.name)")
        }
        let ae = try AutoEncoderModel(.autoEncoder, latent: 2)
        #expect(try train(ae, on: data, epochs: 1, batchSize: 8, objective: .relative).epochLosses[0].isFinite)
        #expect(throws: EngineError.self) { try train(ae, on: data, epochs: 1, objective: .elbo) }
        let vae = try AutoEncoderModel(.convVAE, latent: 2, beta: 4)
        #expect(try train(vae, on: data, epochs: 1, batchSize: 8).epochLosses[0].isFinite)
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

    @Test func nonFiniteLossStopsAndRestoresFiniteWeights() throws {
        let data = try generatedImages(count: 64, seed: 6)
        let model = try AutoEncoderModel(.sogae, latent: 2, seed: 3)
        do {
            try train(model, on: data, epochs: 5, batchSize: 8, optimizer: SGD(learningRate: 1e4))
            Issue.record("expected a non-finite error")
        } catch let error as EngineError {
            guard case .nonFinite = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("batch"))
        }
        #expect(model.parameters.allSatisfy { $0.value.isFinite })
    }
}

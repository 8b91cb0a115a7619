import Testing
@testable import MorphEngine

/// Central finite-difference Jacobian of a model's decoder, [N, D, E].
func finiteDifferenceJacobian(_ model: AutoEncoderModel, at z: Tensor, epsilon: Float = 1e-2) throws -> Tensor {
    let n = z.shape[0], e = z.shape[1]
    var columns: [Tensor] = []
    for k in 0..<e {
        var plus = z, minus = z
        for s in 0..<n { plus.scalars[s * e + k] += epsilon; minus.scalars[s * e + k] -= epsilon }
        columns.append(try (model.decode(plus) - model.decode(minus)) / (2 * epsilon))
    }
    let d = columns[0].shape[1]
    var out = [Float](repeating: 0, count: n * d * e)
    for s in 0..<n { for r in 0..<d { for k in 0..<e { out[(s * d + r) * e + k] = columns[k].scalars[s * d + r] } } }
    return try Tensor(shape: [n, d, e], scalars: out)
}

@Suite("Models: architectures, decoder Jacobians")
struct ModelTests {
    static func models() throws -> [AutoEncoderModel] {
        [try AutoEncoderModel(.autoEncoder, latent: 3, seed: 1), try AutoEncoderModel(.autoEncoderBN, latent: 3, seed: 2), try AutoEncoderModel(.autoEncoderBakeOff, latent: 3, seed: 3),
         try AutoEncoderModel(.convAutoEncoder, latent: 3, seed: 4), try AutoEncoderModel(.locallyConnectedAutoEncoder, latent: 3, seed: 5),
         try AutoEncoderModel(.convVAE, latent: 3, beta: 1, seed: 6), try AutoEncoderModel(.sogae, latent: 3, seed: 7),
         try AutoEncoderModel(.mixtureDecoder, latent: 3, components: 4, sigma: 1, seed: 8)]
    }

    @Test func decoderJacobiansMatchFiniteDifferences() throws {
        for model in try ModelTests.models() {
            model.isTraining = false
            let z = try normal([2, 3], seed: 9)
            let exact = try jacobian(of: model, at: z, chunkSize: 1)
            #expect(exact.shape == [2, 784, 3], "\(model.name)")
            let fd = try finiteDifferenceJacobian(model, at: z, epsilon: 1e-3)
            let err = GradientCheck.relativeError(exact.scalars, fd.scalars)
            #expect(err < 3e-2, "\(model.name): forward-mode Jacobian vs finite differences, relative error \(err)")
            // Forward mode against reverse mode, tightly: wᵀJ from the tape equals wᵀ(forward J).
            let w = try normal([2, 784], seed: 21)
            let tape = Tape(tracksParameters: false)
            let zv = tape.input(z)
            let loss = try (model.decode(zv) * Variable(w)).sum()
            let reverse = try tape.backward(from: loss, inputs: [zv])[0]
            var forward = [Float](repeating: 0, count: 6)
            for s in 0..<2 { for r in 0..<784 { for k in 0..<3 { forward[s * 3 + k] += w.scalars[s * 784 + r] * exact.scalars[(s * 784 + r) * 3 + k] } } }
            #expect(GradientCheck.relativeError(reverse.scalars, forward, floor: 1e-6) < 1e-4, "\(model.name): forward vs reverse mode")
            // J u by forward mode agrees with the Jacobian.
            let u = Tensor([0.6, -0.8, 0])
            let (_, ju) = try jacobianVectorProduct(of: model, at: z, along: u)
            var expected = [Float](repeating: 0, count: 2 * 784)
            for s in 0..<2 { for r in 0..<784 { for k in 0..<3 { expected[s * 784 + r] += exact.scalars[(s * 784 + r) * 3 + k] * u.scalars[k] } } }
            #expect(GradientCheck.relativeError(ju.scalars, expected) < 1e-4, "\(model.name): JVP along u")
        }
    }

    @Test func analyticJacobiansOfConstructions() throws {
        let z = try normal([3, 3], seed: 10)
        let mixture = try AutoEncoderModel(.mixtureDecoder, latent: 3, components: 5, sigma: 0.7, seed: 11)
        let mixtureLayer = try #require(mixture.decoder as? LinearMixture)
        let m1 = try jacobian(of: mixture, at: z), m2 = try mixtureLayer.analyticJacobian(at: z)
        #expect(GradientCheck.relativeError(m1.scalars, m2.scalars) < 1e-4)
        let sogae = try AutoEncoderModel(.sogae, latent: 3, seed: 12)
        let sogaeLayer = try #require(sogae.decoder as? SecondOrder)
        let s1 = try jacobian(of: sogae, at: z), s2 = try sogaeLayer.analyticJacobian(at: z)
        #expect(GradientCheck.relativeError(s1.scalars, s2.scalars) < 1e-4)
    }

    @Test func jacobianNormsAndChunking() throws {
        let model = try AutoEncoderModel(.autoEncoderBakeOff, latent: 4, seed: 13)
        let z = try normal([5, 4], seed: 14)
        let whole = try jacobian(of: model, at: z, chunkSize: 64)
        let chunked = try jacobian(of: model, at: z, chunkSize: 2)
        #expect(GradientCheck.relativeError(whole.scalars, chunked.scalars) < 1e-6)
        let u = Tensor([1, 0, 0, 0])
        let norms = try jacobianNorms(whole, direction: u)
        for s in 0..<5 {
            let j = try whole.samples(s..<(s + 1))
            #expect(abs(norms.frobenius[s] - j.norm()) < 1e-4 * j.norm())
            #expect(norms.spectral[s] <= norms.frobenius[s] * 1.0001)
            #expect(norms.spectral[s] >= norms.frobenius[s] / 2 - 1e-6)  // σ_max ≥ ‖J‖_F / √E
            var col = 0.0
            for r in 0..<784 { col += Double(j.scalars[r * 4]) * Double(j.scalars[r * 4]) }
            #expect(abs(Double(norms.directional![s]) - col.squareRoot()) < 1e-4 * col.squareRoot())
        }
    }

    @Test func pytorchNamesLayoutsAndCounts() throws {
        let conv = try AutoEncoderModel(.convAutoEncoder, latent: 16)
        let names = conv.stateDict().map(\.name)
        #expect(names == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "encoder.4.weight", "encoder.4.bias",
                          "encoder.7.weight", "encoder.7.bias", "encoder.9.weight", "encoder.9.bias",
                          "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias",
                          "decoder.5.weight", "decoder.5.bias", "decoder.7.weight", "decoder.7.bias", "decoder.9.weight", "decoder.9.bias"])
        #expect(conv.stateDict()[0].tensor.shape == [32, 1, 4, 4])
        #expect(conv.stateDict()[10].tensor.shape == [256, 16])
        #expect(conv.stateDict()[14].tensor.shape == [64, 32, 3, 3])
        let ae = try AutoEncoderModel(.autoEncoder, latent: 16)
        #expect(ae.stateDict().map(\.name) == ["encoder.0.weight", "encoder.0.bias", "decoder.0.weight", "decoder.0.bias"])
        #expect(ae.parameterCount == 784 * 16 + 16 + 16 * 784 + 784)
        let bn = try AutoEncoderModel(.autoEncoderBN, latent: 16)
        #expect(bn.stateDict().map(\.name).prefix(7) == ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias",
                                                           "encoder.1.running_mean", "encoder.1.running_var", "encoder.1.num_batches_tracked"])
        let sogae = try AutoEncoderModel(.sogae, latent: 4)
        #expect(sogae.stateDict().map(\.name) == ["encoder.0.weight", "encoder.0.bias", "decoder.weight", "decoder.bias", "decoder.quadratic"])
        // PyTorch's default initialisation bound 1/√fan_in.
        let w = ae.stateDict()[0].tensor
        #expect(w.scalars.allSatisfy { abs($0) <= 1 / Float(784).squareRoot() })
        #expect(w.scalars.map { abs($0) }.max()! > 0.9 / Float(784).squareRoot())
        #expect(conv.summary.contains("ConvTranspose2d(64, 32, kernel_size=(3, 3)"))
    }

    @Test func encodeDecodeShapes() throws {
        let x = try uniform([3, 1, 28, 28], seed: 15)
        for model in try ModelTests.models() where model.definition.inference == .encoder {
            let z = try model.encode(x)
            #expect(z.shape == [3, 3], "\(model.name)")
            #expect(try model.decode(z).shape == [3, 784], "\(model.name)")
        }
        let ae = try AutoEncoderModel(.autoEncoder, latent: 3)
        #expect(throws: EngineError.self) { try ae.encode(try Tensor.zeros([2, 100])) }
        #expect(throws: EngineError.self) { try ae.decode(try Tensor.zeros([2, 5])) }
    }

    @Test func pcaRecoversLowRankData() throws {
        let basis = try normal([3, 784], seed: 16, scale: 0.1), codes = try normal([200, 3], seed: 17)
        let data = try Tensor.matmul(codes, basis) + 0.5
        let pca = try AutoEncoderModel(.pca, latent: 3)
        try train(pca, on: data, epochs: 1)
        let loss = try meanReconstructionLoss(pca, on: data)
        #expect(loss < 1e-6, "PCA reconstruction of rank-3 data: \(loss)")
        #expect(pca.explainedVariance[0] >= pca.explainedVariance[2])
    }

    @Test func gradientFlowInfersLatents() throws {
        let model = try AutoEncoderModel(ModelDefinition(
            encoder: nil, decoder: .secondOrder(inputs: 2, outputs: 784), inputShape: [784], latentSize: 2,
            inference: .flow(GradientFlow(steps: 300, stepSize: 0.002)), seed: 18))
        let truth = try normal([4, 2], seed: 19, scale: 0.5)
        let x = try model.decode(truth)
        let z = try model.encode(x)
        let before = try (x - model.decode(try Tensor.zeros([4, 2]))).squaredNorm()
        let after = try (x - model.decode(z)).squaredNorm()
        #expect(after < 0.01 * before, "flow residual \(after) vs start \(before)")
    }
}

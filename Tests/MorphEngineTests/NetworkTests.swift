import Testing
@testable import MorphEngine

/// Networks as values: shape inference and its messages, definitions, and random valid stacks
/// checked for gradients and exact Jacobians.
@Suite("Networks: layer specs, shapes, compositions")
struct NetworkTests {
    /// Conv2d(1, 32, kernel: 4, stride: 2, padding: 1) and friends.
    static func conv(_ i: Int, _ o: Int, _ k: Int, _ s: Int = 2, _ p: Int = 1, outputPadding: Int = 0) -> ConvolutionSpec {
        ConvolutionSpec(i, o, kernel: k, stride: s, padding: p, outputPadding: outputPadding)
    }

    @Test func aMismatchNamesTheLayerItsPlaceAndBothShapes() throws {
        let encoder = LayerSpec.sequential([.conv2d(Self.conv(1, 32, 4)), .relu, .conv2d(Self.conv(32, 32, 4)), .relu,
                                            .conv2d(Self.conv(32, 64, 3))])
        let decoder = LayerSpec.sequential([.relu, .flatten, .linear(inputs: 1568, outputs: 256, bias: true)])
        let error = #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: encoder, decoder: decoder).layout()
        }
        #expect(error?.part == .decoder)
        #expect(error?.message == "Linear(1568, 256) at decoder[2] expects 1568 values per sample, but Flatten() gives 1024 (64×4×4)")

        let unflattened = LayerSpec.sequential([.conv2d(Self.conv(1, 8, 4)), .linear(inputs: 1568, outputs: 16, bias: true)])
        let hint = #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: unflattened, decoder: .linear(inputs: 16, outputs: 784, bias: true)).layout()
        }
        #expect(hint?.part == .encoder)
        #expect(hint?.message.contains("Linear(1568, 16) at encoder[1] needs flat samples of 1568 values, but Conv2d(1, 8, kernel: 4, stride: 2, padding: 1) gives [8, 14, 14]") == true)
        #expect(hint?.message.contains("add Flatten() before it") == true)

        let wrongOutput = #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: .sequential([.flatten, .linear(inputs: 784, outputs: 8, bias: true)]),
                                decoder: .linear(inputs: 8, outputs: 729, bias: true)).layout()
        }
        #expect(wrongOutput?.message.contains("the decoder gives [729] (729 values per sample), but the input has 784") == true)

        let channels = #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: .sequential([.conv2d(Self.conv(3, 8, 3))]), decoder: .flatten).layout()
        }
        #expect(channels?.message.contains("expects 3 input channels, but the input gives 1 ([1, 28, 28])") == true)
        let tooSmall = #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: .conv2d(Self.conv(1, 1, 9, 1, 0)), decoder: .flatten, inputShape: [1, 4, 4]).layout()
        }
        #expect(tooSmall?.message.contains("gives no output from 4×4") == true)
        #expect(throws: NetworkError.self) {
            try ModelDefinition(encoder: nil, decoder: .linear(inputs: 4, outputs: 784, bias: true), latentSize: 4).layout()
        }
    }

    @Test func theLatentIsTheEncoderOutputAndTheDecoderGetsItInThatShape() throws {
        // A fully convolutional autoencoder: [1, 28, 28] → [4, 7, 7] (E = 196) → [1, 28, 28].
        let encoder = LayerSpec.sequential([.conv2d(Self.conv(1, 16, 4)), .relu, .conv2d(Self.conv(16, 4, 4))])
        let decoder = LayerSpec.sequential([.convTranspose2d(Self.conv(4, 16, 4)), .relu, .convTranspose2d(Self.conv(16, 1, 4)), .sigmoid])
        let model = try AutoEncoderModel(ModelDefinition(encoder: encoder, decoder: decoder, seed: 3))
        #expect(model.layout.latentShape == [4, 7, 7])
        #expect(model.latentSize == 196)
        #expect(model.name == "AutoEncoder [1, 28, 28]→[4, 7, 7]")
        let x = try uniform([2, 1, 28, 28], seed: 4)
        let z = try model.encode(x)
        #expect(z.shape == [2, 196])
        #expect(try model.decode(z).shape == [2, 784])
        let j = try jacobian(of: model, at: try z.samples(0..<1))
        #expect(j.shape == [1, 784, 196])
        // Output padding: 7 → 14 with a 3×3 kernel (PyTorch's output_padding = 1).
        let padded = try LayerSpec.convTranspose2d(Self.conv(4, 1, 3, outputPadding: 1))
            .outputShape(for: [4, 7, 7], part: .decoder, path: "decoder", source: "the latent")
        #expect(padded.shape == [1, 14, 14])
    }

    @Test func reportsCountParametersAndMultiplyAdds() throws {
        let model = try AutoEncoderModel(.convAutoEncoder, latent: 16)
        let reports = model.layout.encoderLayers + model.layout.decoderLayers
        #expect(reports.reduce(0) { $0 + $1.parameters } == model.parameterCount)
        let first = try #require(reports.first)
        #expect(first.path == "encoder[0]" && first.outputShape == [32, 14, 14])
        #expect(first.multiplyAdds == 32 * 14 * 14 * 1 * 4 * 4)
        let local = try AutoEncoderModel(.locallyConnectedAutoEncoder, latent: 16)
        let localReports = local.layout.encoderLayers + local.layout.decoderLayers
        #expect(localReports.reduce(0) { $0 + $1.parameters } == local.parameterCount)
        // The same multiply-adds as the convolution, far more parameters.
        #expect(localReports[0].multiplyAdds == first.multiplyAdds)
        #expect(localReports[0].parameters == 14 * 14 * (32 * 16 + 32))
    }

    @Test(arguments: NamedModel.allCases)
    func aNamedModelAndItsDefinitionGiveIdenticalWeights(named: NamedModel) throws {
        let a = try AutoEncoderModel(named, latent: 5, seed: 7)
        var composition = a.definition
        composition.namedCall = nil
        let b = try AutoEncoderModel(composition)
        #expect(a.stateDict().map(\.name) == b.stateDict().map(\.name))
        for (x, y) in zip(a.stateDict(), b.stateDict()) { #expect(x.tensor == y.tensor, "\(named) \(x.name)") }
        // A layer value used twice gives each model its own weights.
        let c = try AutoEncoderModel(composition)
        if let p = c.parameters.first, let q = b.parameters.first {
            p.value = p.value + 1
            #expect(p.value != q.value)
        }
    }

    /// A random valid encoder and decoder for [1, 8, 8] images, from a seed: convolutional,
    /// locally connected or dense encoders; dense or transposed-convolutional decoders.
    static func randomStack(seed: UInt64, smooth: Bool) -> ModelDefinition {
        var g = RandomGenerator(seed: seed)
        func activation() -> LayerSpec {
            let choices: [LayerSpec] = smooth ? [.tanh, .sigmoid] : [.relu, .leakyRelu(slope: 0.2), .tanh, .sigmoid]
            return choices[g.index(below: choices.count)]
        }
        let channels = 1 + g.index(below: 3)
        var encoder: [LayerSpec] = []
        switch g.index(below: 3) {
        case 0: encoder = [.conv2d(Self.conv(1, channels, 3, 2, 1)), activation(), .batchNorm(features: channels)]
        case 1: encoder = [.locallyConnected2d(Self.conv(1, channels, 3, 2, 1)), activation()]
        default: encoder = [.flatten, .linear(inputs: 64, outputs: 16 * channels, bias: true), activation(), .reshape([channels, 4, 4])]
        }
        let latent = 2 + g.index(below: 3)
        encoder += [.flatten, .linear(inputs: 16 * channels, outputs: latent, bias: g.index(below: 2) == 0)]
        var decoder: [LayerSpec] = [.linear(inputs: latent, outputs: 16 * channels, bias: true), activation()]
        switch g.index(below: 3) {
        case 0: decoder += [.reshape([channels, 4, 4]), .convTranspose2d(Self.conv(channels, 1, 4, 2, 1))]
        case 1: decoder += [.reshape([channels, 4, 4]), .locallyConnectedTranspose2d(Self.conv(channels, 1, 3, 2, 1)),
                            .flatten, .linear(inputs: 49, outputs: 64, bias: true)]
        default: decoder += [.batchNorm(features: 16 * channels), .sequential([.linear(inputs: 16 * channels, outputs: 64, bias: true)])]
        }
        decoder.append(activation())
        return ModelDefinition(encoder: .sequential(encoder), decoder: .sequential(decoder), inputShape: [1, 8, 8], seed: seed)
    }

    @Test(arguments: 0..<12)
    func randomStacksHaveConsistentShapesGradientsAndJacobians(seed: Int) throws {
        let smooth = Self.randomStack(seed: UInt64(seed), smooth: true)
        let model = try AutoEncoderModel(smooth)
        let layout = model.layout
        #expect((layout.encoderLayers + layout.decoderLayers).reduce(0) { $0 + $1.parameters } == model.parameterCount)
        let x = try uniform([3, 1, 8, 8], seed: UInt64(40 + seed))
        let z = try model.encode(x)
        #expect(z.shape == [3, model.latentSize])
        #expect(try model.decode(z).shape == [3, 64])
        // The exact Jacobian against central differences (smooth activations only).
        let exact = try jacobian(of: model, at: z)
        let fd = try finiteDifferenceJacobian(model, at: z, epsilon: 1e-2)
        #expect(GradientCheck.relativeError(exact.scalars, fd.scalars) < 2e-2, "\(smooth.decoder.callText)")
        // Parameter gradients of the training loss against central differences.
        var generator = RandomGenerator(seed: 1)
        let tape = Tape()
        let loss = try model.trainingLoss(tape.constant(x), objective: .sse, generator: &generator)
        try tape.backward(from: loss)
        for parameter in model.parameters.prefix(4) {
            let gradient = try #require(parameter.gradient)
            let index = parameter.value.count / 2
            let saved = parameter.value
            func value(_ delta: Float) throws -> Double {
                parameter.value.scalars[index] = saved.scalars[index] + delta
                defer { parameter.value = saved }
                var g = RandomGenerator(seed: 1)
                return Double(try model.trainingLoss(Variable(x), objective: .sse, generator: &g).value.scalars[0])
            }
            let h: Float = 1e-2
            let estimate = (try value(h) - (try value(-h))) / Double(2 * h)
            let analytic = Double(gradient.scalars[index])
            #expect(abs(estimate - analytic) <= 2e-2 * max(1, abs(analytic)), "∂L/∂\(parameter.name)[\(index)]: \(analytic) vs \(estimate)")
            parameter.gradient = nil
        }
        // Forward mode against reverse mode on a stack with any activation (exact identities).
        let any = try AutoEncoderModel(Self.randomStack(seed: UInt64(seed) + 100, smooth: false))
        let za = try any.encode(x)
        let forward = try jacobian(of: any, at: za)
        let w = try normal([3, 64], seed: 8)
        let reverseTape = Tape(tracksParameters: false)
        let zv = reverseTape.input(za)
        let reverse = try reverseTape.backward(from: (any.decode(zv) * Variable(w)).sum(), inputs: [zv])[0]
        let e = any.latentSize
        var projected = [Float](repeating: 0, count: 3 * e)
        for s in 0..<3 { for r in 0..<64 { for k in 0..<e { projected[s * e + k] += w.scalars[s * 64 + r] * forward.scalars[(s * 64 + r) * e + k] } } }
        #expect(GradientCheck.relativeError(reverse.scalars, projected, floor: 1e-6) < 1e-4)
    }
}

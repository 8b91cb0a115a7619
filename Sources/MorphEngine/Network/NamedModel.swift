/// The article's nine models, each a composition of layers (the same definitions a cell can write).
///
/// E is the latent size; the neural decoders end in a sigmoid, PCA, SOGAE and MixtureDecoder do
/// not; a ReLU follows every convolution and every hidden Linear, none the latent Linear; flatten
/// order is (C, H, W) as in PyTorch.
public enum NamedModel: String, Sendable, CaseIterable {
    /// Shallow: encoder Linear(784, E); decoder Linear(E, 784), Sigmoid.
    case autoEncoder = "AutoEncoder"
    /// Fully connected 784-512-256-E and back, batch norm after each hidden Linear (before its ReLU).
    case autoEncoderBN = "AutoEncoderBN"
    /// Fully connected 784-512-256-E and back, without batch norm (the article's BakeOff).
    case autoEncoderBakeOff = "AutoEncoderBakeOff"
    /// After beta-VAE: Conv(1→32, k4, s2, p1) 28→14, Conv(32→32, k4, s2, p1) 14→7,
    /// Conv(32→64, k3, s2, p1) 7→4, Linear(1024, 256), Linear(256, E); the decoder mirrors it.
    case convAutoEncoder = "ConvAutoEncoder"
    /// ConvAutoEncoder's topology without weight sharing.
    case locallyConnectedAutoEncoder = "LocallyConnectedAutoEncoder"
    /// beta-VAE on ConvAutoEncoder's topology: the encoder ends in Linear(256, 2E).
    case convVAE = "ConvVAE"
    /// Principal component analysis, fitted in closed form.
    case pca = "PCA"
    /// Construction 1: a second-order decoder, latent inferred by gradient flow from an amortised start.
    case sogae = "SOGAE"
    /// Construction 2: a softmax mixture of linear maps, latent inferred by gradient flow from an amortised start.
    case mixtureDecoder = "MixtureDecoder"

    /// The definition of this model with latent size E and its hyperparameters (β for ConvVAE,
    /// K and σ for MixtureDecoder; ignored by the others).
    public func definition(latent e: Int, seed: UInt64 = 0, beta: Double = 1, components: Int = 16,
                           sigma: Double = 1) -> ModelDefinition {
        let d = 784
        func call(_ extra: String = "") -> String {
            "\(rawValue)(latent: \(e)\(extra)\(seed == 0 || self == .pca ? "" : ", seed: \(seed)"))"
        }
        func conv(_ i: Int, _ o: Int, _ k: Int) -> ConvolutionSpec { ConvolutionSpec(i, o, kernel: k, stride: 2, padding: 1) }
        let relu = LayerSpec.relu
        switch self {
        case .autoEncoder:
            return ModelDefinition(encoder: .sequential([.linear(inputs: d, outputs: e, bias: true)]),
                                   decoder: .sequential([.linear(inputs: e, outputs: d, bias: true), .sigmoid]),
                                   inputShape: [d], seed: seed, name: rawValue, namedCall: call())
        case .autoEncoderBN, .autoEncoderBakeOff:
            let bn = self == .autoEncoderBN
            func hidden(_ i: Int, _ o: Int) -> [LayerSpec] {
                [.linear(inputs: i, outputs: o, bias: true)] + (bn ? [.batchNorm(features: o)] : []) + [relu]
            }
            let encoder = hidden(d, 512) + hidden(512, 256) + [.linear(inputs: 256, outputs: e, bias: true)]
            let decoder = hidden(e, 256) + hidden(256, 512) + [.linear(inputs: 512, outputs: d, bias: true), .sigmoid]
            return ModelDefinition(encoder: .sequential(encoder), decoder: .sequential(decoder), inputShape: [d],
                                   seed: seed, name: rawValue, namedCall: call())
        case .convAutoEncoder, .convVAE:
            let vae = self == .convVAE
            let (encoder, decoder) = Self.convolutional(latent: e, encoderOutputs: vae ? 2 * e : e,
                                                        down: LayerSpec.conv2d, up: LayerSpec.convTranspose2d, conv: conv)
            return ModelDefinition(kind: vae ? .variational(beta: beta) : .autoEncoder, encoder: encoder, decoder: decoder,
                                   inputShape: [1, 28, 28], seed: seed, name: rawValue,
                                   namedCall: vae ? call(", beta: \(ScriptNumber.text(beta))") : call())
        case .locallyConnectedAutoEncoder:
            let (encoder, decoder) = Self.convolutional(latent: e, encoderOutputs: e, down: LayerSpec.locallyConnected2d,
                                                        up: LayerSpec.locallyConnectedTranspose2d, conv: conv)
            return ModelDefinition(encoder: encoder, decoder: decoder, inputShape: [1, 28, 28], seed: seed,
                                   name: rawValue, namedCall: call())
        case .pca:
            return ModelDefinition(kind: .principalComponents, encoder: .sequential([.linear(inputs: d, outputs: e, bias: true)]),
                                   decoder: .sequential([.linear(inputs: e, outputs: d, bias: true)]), inputShape: [d],
                                   seed: 0, name: rawValue, namedCall: call())
        case .sogae:
            return ModelDefinition(encoder: .sequential([.linear(inputs: d, outputs: e, bias: true)]),
                                   decoder: .secondOrder(inputs: e, outputs: d), inputShape: [d],
                                   inference: .flow(GradientFlow()), seed: seed, name: rawValue, namedCall: call())
        case .mixtureDecoder:
            return ModelDefinition(encoder: .sequential([.linear(inputs: d, outputs: e, bias: true)]),
                                   decoder: .linearMixture(inputs: e, outputs: d, components: components, sigma: sigma),
                                   inputShape: [d], inference: .flow(GradientFlow()), seed: seed, name: rawValue,
                                   namedCall: call(", components: \(components), sigma: \(ScriptNumber.text(sigma))"))
        }
    }

    /// ConvAutoEncoder's encoder and decoder with the given down- and up-sampling layers.
    private static func convolutional(latent e: Int, encoderOutputs: Int,
                                      down: (ConvolutionSpec) -> LayerSpec, up: (ConvolutionSpec) -> LayerSpec,
                                      conv: (Int, Int, Int) -> ConvolutionSpec) -> (LayerSpec, LayerSpec) {
        let encoder: [LayerSpec] = [
            down(conv(1, 32, 4)), .relu, down(conv(32, 32, 4)), .relu, down(conv(32, 64, 3)), .relu, .flatten,
            .linear(inputs: 1024, outputs: 256, bias: true), .relu, .linear(inputs: 256, outputs: encoderOutputs, bias: true),
        ]
        let decoder: [LayerSpec] = [
            .linear(inputs: e, outputs: 256, bias: true), .relu, .linear(inputs: 256, outputs: 1024, bias: true), .relu,
            .reshape([64, 4, 4]), up(conv(64, 32, 3)), .relu, up(conv(32, 32, 4)), .relu, up(conv(32, 1, 4)), .sigmoid,
        ]
        return (.sequential(encoder), .sequential(decoder))
    }
}

extension AutoEncoderModel {
    /// A named model with latent size E (and β for ConvVAE, K and σ for MixtureDecoder).
    public convenience init(_ named: NamedModel, latent: Int = 16, beta: Double = 1, components: Int = 16,
                            sigma: Double = 1, seed: UInt64 = 0) throws {
        try self.init(named.definition(latent: latent, seed: seed, beta: beta, components: components, sigma: sigma))
    }
}

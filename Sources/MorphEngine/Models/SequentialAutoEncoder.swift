/// An autoencoder made of two layer chains, `enc` and `dec` (PyTorch names "enc.0.weight", …).
public class SequentialAutoEncoder: AutoEncoderModel {
    public let name: String
    public let latentSize: Int
    public let dataSize: Int
    /// The encoder chain (its input shape per sample is `encoderInputShape`).
    public let encoder: Sequential
    /// The decoder chain (its output is flattened to [N, D]).
    public let decoder: Sequential
    /// The per-sample shape the encoder's first layer expects ([784] or [1, 28, 28]).
    public let encoderInputShape: [Int]
    public var defaultObjective: Objective { .sse }

    init(name: String, latentSize: Int, dataSize: Int = 784, encoderInputShape: [Int],
         encoder: Sequential, decoder: Sequential) {
        self.name = name
        self.latentSize = latentSize
        self.dataSize = dataSize
        self.encoderInputShape = encoderInputShape
        self.encoder = encoder
        self.decoder = decoder
        // Evaluation mode until `train` switches it (batch norm then uses running statistics).
        self.isTraining = false
        encoder.isTraining = false
        decoder.isTraining = false
    }

    public var isTraining: Bool {
        didSet {
            encoder.isTraining = isTraining
            decoder.isTraining = isTraining
        }
    }

    public func encode(_ x: Variable) throws(EngineError) -> Variable {
        let flat = try flatImages(x)
        let input = encoderInputShape.count == 1 ? flat : try flat.reshaped(toSample: encoderInputShape)
        return try encoder(input)
    }

    public func decode(_ z: Variable) throws(EngineError) -> Variable {
        guard z.value.rank == 2, z.value.shape[1] == latentSize else {
            throw .shapeMismatch(operation: "\(name).decode (latent [N, \(latentSize)])", lhs: z.value.shape, rhs: [latentSize])
        }
        let r = try decoder(z)
        return r.value.rank == 2 ? r : try r.flattened()
    }

    public var parameters: [Parameter] { encoder.parameters + decoder.parameters }

    public var stateEntries: [(name: String, tensor: Parameter)] {
        encoder.stateEntries(prefix: "enc.") + decoder.stateEntries(prefix: "dec.")
    }

    public var summary: String {
        "\(name)(latent=\(latentSize), parameters=\(parameterCount))\n  (enc): \(indented(encoder.summary))\n  (dec): \(indented(decoder.summary))"
    }

    public func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool { false }

    public func trainingLoss(_ x: Variable, objective: Objective,
                             generator: inout RandomGenerator) throws(EngineError) -> Variable {
        let r = try decode(encode(x))
        return try reconstructionObjective(x, r, objective: objective, generator: &generator)
    }
}

/// The shallow autoencoder: enc Linear(784, E); dec Linear(E, 784), Sigmoid.
public final class AutoEncoder: SequentialAutoEncoder {
    /// A model initialised as PyTorch would, from `seed`.
    public init(latent: Int = 16, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let enc = Sequential([try Linear(784, latent, generator: &g)])
        let dec = Sequential([try Linear(latent, 784, generator: &g), Sigmoid()])
        super.init(name: "AutoEncoder", latentSize: latent, encoderInputShape: [784], encoder: enc, decoder: dec)
    }
}

/// The deep fully connected autoencoder without batch norm: enc 784-512-256-E, dec E-256-512-784.
public final class AutoEncoderBakeOff: SequentialAutoEncoder {
    /// A model initialised as PyTorch would, from `seed`.
    public init(latent: Int = 16, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let enc = Sequential([try Linear(784, 512, generator: &g), ReLU(), try Linear(512, 256, generator: &g), ReLU(),
                              try Linear(256, latent, generator: &g)])
        let dec = Sequential([try Linear(latent, 256, generator: &g), ReLU(), try Linear(256, 512, generator: &g), ReLU(),
                              try Linear(512, 784, generator: &g), Sigmoid()])
        super.init(name: "AutoEncoderBakeOff", latentSize: latent, encoderInputShape: [784], encoder: enc, decoder: dec)
    }
}

/// The deep fully connected autoencoder with batch norm after each hidden Linear (before its ReLU).
public final class AutoEncoderBN: SequentialAutoEncoder {
    /// A model initialised as PyTorch would, from `seed`.
    public init(latent: Int = 16, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let enc = Sequential([try Linear(784, 512, generator: &g), try BatchNorm1d(512), ReLU(),
                              try Linear(512, 256, generator: &g), try BatchNorm1d(256), ReLU(),
                              try Linear(256, latent, generator: &g)])
        let dec = Sequential([try Linear(latent, 256, generator: &g), try BatchNorm1d(256), ReLU(),
                              try Linear(256, 512, generator: &g), try BatchNorm1d(512), ReLU(),
                              try Linear(512, 784, generator: &g), Sigmoid()])
        super.init(name: "AutoEncoderBN", latentSize: latent, encoderInputShape: [784], encoder: enc, decoder: dec)
    }
}

/// The convolutional autoencoder after beta-VAE: Conv(1→32,k4,s2,p1) 28→14, Conv(32→32,k4,s2,p1)
/// 14→7, Conv(32→64,k3,s2,p1) 7→4, Linear(1024,256), Linear(256,E); the decoder mirrors it.
public final class ConvAutoEncoder: SequentialAutoEncoder {
    /// A model initialised as PyTorch would, from `seed`.
    public init(latent: Int = 16, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let (enc, dec) = try ConvAutoEncoder.layers(encoderOutputs: latent, latent: latent, generator: &g)
        super.init(name: "ConvAutoEncoder", latentSize: latent, encoderInputShape: [1, 28, 28], encoder: enc, decoder: dec)
    }

    static func layers(encoderOutputs: Int, latent: Int,
                       generator g: inout RandomGenerator) throws(EngineError) -> (Sequential, Sequential) {
        let enc = Sequential([
            try Conv2d(1, 32, kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try Conv2d(32, 32, kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try Conv2d(32, 64, kernelSize: 3, stride: 2, padding: 1, generator: &g), ReLU(),
            Flatten(),
            try Linear(1024, 256, generator: &g), ReLU(),
            try Linear(256, encoderOutputs, generator: &g),
        ])
        let dec = Sequential([
            try Linear(latent, 256, generator: &g), ReLU(),
            try Linear(256, 1024, generator: &g), ReLU(),
            Reshape([64, 4, 4]),
            try ConvTranspose2d(64, 32, kernelSize: 3, stride: 2, padding: 1, generator: &g), ReLU(),
            try ConvTranspose2d(32, 32, kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try ConvTranspose2d(32, 1, kernelSize: 4, stride: 2, padding: 1, generator: &g), Sigmoid(),
        ])
        return (enc, dec)
    }
}

/// ConvAutoEncoder's topology without weight sharing: locally connected layers and their
/// transposed form, with a bias per output location.
public final class LocallyConnectedAutoEncoder: SequentialAutoEncoder {
    /// A model initialised like its convolutional counterpart, from `seed`.
    public init(latent: Int = 16, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let enc = Sequential([
            try LocallyConnected2d(1, 32, inputSize: (28, 28), kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try LocallyConnected2d(32, 32, inputSize: (14, 14), kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try LocallyConnected2d(32, 64, inputSize: (7, 7), kernelSize: 3, stride: 2, padding: 1, generator: &g), ReLU(),
            Flatten(),
            try Linear(1024, 256, generator: &g), ReLU(),
            try Linear(256, latent, generator: &g),
        ])
        let dec = Sequential([
            try Linear(latent, 256, generator: &g), ReLU(),
            try Linear(256, 1024, generator: &g), ReLU(),
            Reshape([64, 4, 4]),
            try LocallyConnectedTranspose2d(64, 32, inputSize: (4, 4), kernelSize: 3, stride: 2, padding: 1, generator: &g), ReLU(),
            try LocallyConnectedTranspose2d(32, 32, inputSize: (7, 7), kernelSize: 4, stride: 2, padding: 1, generator: &g), ReLU(),
            try LocallyConnectedTranspose2d(32, 1, inputSize: (14, 14), kernelSize: 4, stride: 2, padding: 1, generator: &g), Sigmoid(),
        ])
        super.init(name: "LocallyConnectedAutoEncoder", latentSize: latent, encoderInputShape: [1, 28, 28], encoder: enc, decoder: dec)
    }
}

/// The beta-VAE: ConvAutoEncoder whose encoder ends in Linear(256, 2E) giving mean and
/// log-variance; `encode` returns the mean (the article's Dirac on the parameter).
public final class ConvVAE: SequentialAutoEncoder {
    /// The weight β of the KL term in the ELBO.
    public var beta: Float
    public override var defaultObjective: Objective { .elbo }

    /// A model initialised as PyTorch would, from `seed`.
    public init(latent: Int = 16, beta: Float = 1, seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        let (enc, dec) = try ConvAutoEncoder.layers(encoderOutputs: 2 * latent, latent: latent, generator: &g)
        self.beta = beta
        super.init(name: "ConvVAE", latentSize: latent, encoderInputShape: [1, 28, 28], encoder: enc, decoder: dec)
    }

    /// Mean and log-variance of q(z|x), each [N, E].
    public func posterior(_ x: Variable) throws(EngineError) -> (mean: Variable, logVariance: Variable) {
        let h = try super.encode(x)
        return (try h.columns(0..<latentSize), try h.columns(latentSize..<(2 * latentSize)))
    }

    public override func encode(_ x: Variable) throws(EngineError) -> Variable { try posterior(x).mean }

    public override func trainingLoss(_ x: Variable, objective: Objective,
                                      generator: inout RandomGenerator) throws(EngineError) -> Variable {
        guard objective == .elbo else {
            return try reconstructionObjective(x, decode(encode(x)), objective: objective, generator: &generator)
        }
        let (mu, logVar) = try posterior(x)
        let noise = try Tensor.randomNormal(mu.value.shape, generator: &generator)
        let z = try mu + logVar.scaled(by: 0.5).exp() * Variable(noise)
        let sse = try reconstructionObjective(x, decode(z), objective: .sse, generator: &generator)
        let n = Float(max(1, x.value.batchSize))
        let kl = try (mu.squared() + logVar.exp() - logVar).shifted(by: -1).sum().scaled(by: 0.5 * beta / n)
        return try sse + kl
    }
}

/// Text with every line after the first indented by two spaces.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
}

/// How a model finds the latent z of an image.
public enum LatentInference: Sendable, Equatable {
    /// z = e(x), the encoder's output (for a VAE, the posterior mean).
    case encoder
    /// z from the gradient flow of ½‖x − r(z)‖², started at e(x), or at 0 without an encoder.
    case flow(GradientFlow)
}

/// Everything needed to build a model, without its weights: the layers, the input shape, how
/// the latent is inferred, the seed of the initial weights and the name. It serialises, so a
/// saved model rebuilds the same network, and it prints as MorphScript a cell can run.
public struct ModelDefinition: Sendable, Equatable {
    /// What sort of model it is.
    public enum Kind: Sendable, Equatable {
        /// An autoencoder (or a decoder with inferred latents).
        case autoEncoder
        /// A VAE: the encoder outputs 2E values, the mean and then the log-variance; ELBO with weight β.
        case variational(beta: Double)
        /// PCA: a linear encoder and decoder fitted in closed form.
        case principalComponents
    }

    /// What sort of model it is.
    public var kind: Kind
    /// The encoder (nil for a decoder whose latent is inferred from zero).
    public var encoder: LayerSpec?
    /// The decoder.
    public var decoder: LayerSpec
    /// The shape of one input sample, e.g. [1, 28, 28].
    public var inputShape: [Int]
    /// E, for a model without an encoder.
    public var latentSize: Int?
    /// How z is found.
    public var inference: LatentInference
    /// The seed of the initial weights.
    public var seed: UInt64
    /// The label of the model in tables, legends and captions.
    public var name: String
    /// For a named model, the call that makes it ("ConvVAE(latent: 16, beta: 4.0)"); nil for a composition.
    public var namedCall: String?

    /// A definition from its parts; `name` defaults to "AutoEncoder" (or "VAE") with a short shape summary.
    public init(kind: Kind = .autoEncoder, encoder: LayerSpec?, decoder: LayerSpec, inputShape: [Int] = [1, 28, 28],
                latentSize: Int? = nil, inference: LatentInference = .encoder, seed: UInt64 = 0,
                name: String? = nil, namedCall: String? = nil) {
        self.kind = kind
        self.encoder = encoder
        self.decoder = decoder
        self.inputShape = inputShape
        self.latentSize = latentSize
        self.inference = inference
        self.seed = seed
        self.namedCall = namedCall
        self.name = name ?? ""
        if name == nil { self.name = defaultName }
    }

    /// "AutoEncoder 784→16" or "VAE [1, 28, 28]→[8, 7, 7]": the kind and the input and latent shapes.
    public var defaultName: String {
        let prefix: String
        switch kind {
        case .variational: prefix = "VAE"
        case .principalComponents: prefix = "PCA"
        case .autoEncoder: prefix = "AutoEncoder"
        }
        guard let layout = try? layout() else { return prefix }
        func text(_ shape: [Int]) -> String { shape.count == 1 ? "\(shape[0])" : "[" + shape.map(String.init).joined(separator: ", ") + "]" }
        return "\(prefix) \(text(inputShape))→\(text(layout.latentShape))"
    }

    /// The shapes through the network and a report per layer; a network that does not fit
    /// throws an error naming the layer, what it received and what it needs.
    public func layout() throws(NetworkError) -> ModelLayout {
        let range = 1...maximumLayerSize
        guard !inputShape.isEmpty, inputShape.count <= 3, inputShape.allSatisfy({ range.contains($0) }),
              let dataSize = checkedProduct(inputShape), dataSize <= maximumLayerSize else {
            throw NetworkError(.input, "input: must be 1 to 3 sizes with at most \(maximumLayerSize) values in all, got \(inputShape)")
        }
        var latentShape: [Int]
        var encoderLayers: [LayerReport] = []
        var encoderOutput: [Int]?
        if let encoder {
            let (shape, reports) = try encoder.outputShape(for: inputShape, part: .encoder, path: "encoder", source: "the input")
            encoderLayers = reports
            encoderOutput = shape
            latentShape = shape
            if case .variational = kind {
                let count = checkedProduct(shape) ?? 0
                guard count % 2 == 0, count > 0 else {
                    throw NetworkError(.encoder, "a VAE's encoder must output 2E values (the mean, then the log-variance), but it gives \(count) (\(shape))")
                }
                latentShape = [count / 2]
            }
        } else {
            guard let latentSize, range.contains(latentSize) else {
                throw NetworkError(.latent, "a model without an encoder needs latent: between 1 and \(maximumLayerSize)")
            }
            guard case .flow = inference else {
                throw NetworkError(.latent, "a model without an encoder must infer its latent: use inference: \"flow\"")
            }
            latentShape = [latentSize]
        }
        guard let latentCount = checkedProduct(latentShape), range.contains(latentCount) else {
            throw NetworkError(.encoder, "the latent \(latentShape) is too large")
        }
        let (output, decoderLayers) = try decoder.outputShape(for: latentShape, part: .decoder, path: "decoder", source: "the latent")
        guard checkedProduct(output) == dataSize else {
            let count = checkedProduct(output).map(String.init) ?? "too many"
            throw NetworkError(.decoder, "the decoder gives \(output) (\(count) values per sample), but the input has \(dataSize) (\(inputShape)); its output must have as many values as the input")
        }
        return ModelLayout(inputShape: inputShape, latentShape: latentShape, encoderOutputShape: encoderOutput,
                           outputShape: output, encoderLayers: encoderLayers, decoderLayers: decoderLayers)
    }

    /// The call that labels the model in provenance: the named call, or the name.
    public var label: String { namedCall ?? name }
}

/// The shapes through a model, per sample, and a report per layer.
public struct ModelLayout: Sendable, Equatable {
    /// One input sample.
    public var inputShape: [Int]
    /// The latent z as the decoder receives it (E values in all).
    public var latentShape: [Int]
    /// The encoder's own output (for a VAE, 2E values), nil without an encoder.
    public var encoderOutputShape: [Int]?
    /// The decoder's output.
    public var outputShape: [Int]
    /// The encoder's layers.
    public var encoderLayers: [LayerReport]
    /// The decoder's layers.
    public var decoderLayers: [LayerReport]

    /// E, the latent size.
    public var latentCount: Int { latentShape.reduce(1, *) }
    /// D, values per sample.
    public var dataCount: Int { inputShape.reduce(1, *) }
}

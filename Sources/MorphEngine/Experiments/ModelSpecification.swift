import MorphJSON

/// How to build one of the article's models: its architecture and hyperparameters. Saved in
/// checkpoints, so a file rebuilds the same architecture before its weights are loaded.
public struct ModelSpecification: Sendable, Equatable {
    /// The architectures, by the names cells use.
    public static let architectures = [
        "AutoEncoder", "AutoEncoderBN", "AutoEncoderBakeOff", "ConvAutoEncoder",
        "LocallyConnectedAutoEncoder", "ConvVAE", "PCA", "SOGAE", "MixtureDecoder",
    ]

    /// One of `architectures`.
    public var architecture: String
    /// E, the latent size.
    public var latent: Int
    /// ConvVAE's β.
    public var beta: Double
    /// MixtureDecoder's number of components K.
    public var components: Int
    /// MixtureDecoder's σ.
    public var sigma: Double
    /// The seed of the initial weights.
    public var seed: UInt64

    /// A specification from its parts; hyperparameters a model does not use are ignored.
    public init(architecture: String, latent: Int = 16, beta: Double = 1, components: Int = 16,
                sigma: Double = 1, seed: UInt64 = 0) {
        self.architecture = architecture
        self.latent = latent
        self.beta = beta
        self.components = components
        self.sigma = sigma
        self.seed = seed
    }

    /// A freshly initialised model.
    public func makeModel() throws -> any AutoEncoderModel {
        guard (1...784).contains(latent) else {
            throw ExperimentError.invalidArgument("latent: must be between 1 and 784, got \(latent)")
        }
        switch architecture {
        case "AutoEncoder": return try AutoEncoder(latent: latent, seed: seed)
        case "AutoEncoderBN": return try AutoEncoderBN(latent: latent, seed: seed)
        case "AutoEncoderBakeOff": return try AutoEncoderBakeOff(latent: latent, seed: seed)
        case "ConvAutoEncoder": return try ConvAutoEncoder(latent: latent, seed: seed)
        case "LocallyConnectedAutoEncoder": return try LocallyConnectedAutoEncoder(latent: latent, seed: seed)
        case "ConvVAE":
            guard beta >= 0, beta.isFinite else { throw ExperimentError.invalidArgument("beta: must be 0 or more, got \(beta)") }
            return try ConvVAE(latent: latent, beta: Float(beta), seed: seed)
        case "PCA": return try PCA(latent: latent)
        case "SOGAE": return try SOGAE(latent: latent, seed: seed)
        case "MixtureDecoder":
            return try MixtureDecoder(latent: latent, components: components, sigma: Float(sigma), seed: seed)
        default:
            throw ExperimentError.invalidArgument("unknown architecture '\(architecture)'; known: \(Self.architectures.joined(separator: ", "))")
        }
    }

    /// The call that builds it, as a cell would write it: "ConvVAE(latent: 16, beta: 4.0)".
    public var callText: String {
        switch architecture {
        case "ConvVAE": return "ConvVAE(latent: \(latent), beta: \(beta))"
        case "MixtureDecoder": return "MixtureDecoder(latent: \(latent), components: \(components), sigma: \(sigma))"
        default: return "\(architecture)(latent: \(latent))"
        }
    }

    /// The specification as JSON (checkpoint metadata).
    public var json: JSON {
        .object([
            "architecture": .string(architecture), "latent": .number(Double(latent)), "beta": .number(beta),
            "components": .number(Double(components)), "sigma": .number(sigma), "seed": .number(Double(seed)),
        ])
    }

    /// A specification read back from JSON.
    public init(json: JSON) throws(ExperimentError) {
        guard let architecture = json["architecture"]?.stringValue, let latent = json["latent"]?.intValue else {
            throw .invalidArgument("the model description lacks its architecture or latent size")
        }
        self.init(
            architecture: architecture, latent: latent, beta: json["beta"]?.doubleValue ?? 1,
            components: json["components"]?.intValue ?? 16, sigma: json["sigma"]?.doubleValue ?? 1,
            seed: UInt64(json["seed"]?.intValue ?? 0))
    }
}

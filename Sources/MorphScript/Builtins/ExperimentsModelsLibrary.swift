import MorphEngine
import MorphJSON

extension Library {
    /// The article's models, saving and loading them (issue 5, "Models").
    static let experimentsModels = Library(name: "experiments-models", builtins: [
        constructor("AutoEncoder", summary: "The shallow autoencoder: enc Linear(784, E); dec Linear(E, 784), Sigmoid."),
        constructor("AutoEncoderBN", summary: "Fully connected 784-512-256-E and back, with batch norm after each hidden Linear."),
        constructor("AutoEncoderBakeOff", summary: "Fully connected 784-512-256-E and back, without batch norm (the article's BakeOff)."),
        constructor("ConvAutoEncoder", summary: "The convolutional autoencoder adapted from beta-VAE: 28→14→7→4, Linear 1024-256-E, mirrored."),
        constructor("LocallyConnectedAutoEncoder", summary: "ConvAutoEncoder's topology without weight sharing (locally connected layers)."),
        constructor("PCA", summary: "Principal component analysis as a linear autoencoder; train fits it in closed form."),
        constructor("SOGAE", summary: "Construction 1: r(z) = b + A z + ½ zᵀ W z, latent inferred by gradient flow (amortised start)."),
        .function("ConvVAE", [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("beta", .double, default: .double(1), doc: "weight of the KL term in the elbo objective"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"),
        summary: "beta-VAE on ConvAutoEncoder's topology; losses, paths and strips use z = the posterior mean.",
        doc: "Trains with the elbo objective by default.\nExample:\n    let vae = ConvVAE(latent: 16, beta: 4)") { call in
            let spec = ModelSpecification(
                architecture: "ConvVAE", latent: try ExperimentsSupport.int(call, "latent", in: 1...784),
                beta: try call.arguments.double("beta"), seed: try ExperimentsSupport.seed(call))
            return try build(spec, call)
        },
        .function("MixtureDecoder", [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("components", .int, default: .int(16), doc: "K, the number of local linear maps"),
            .labeled("sigma", .double, default: .double(1), doc: "σ, the width of each map's region"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"),
        summary: "Construction 2: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k), a softmax mixture of linear maps.",
        doc: "π = softmax(−‖z − c_k‖² / 2σ²); paths use the exact Jacobian. The latent is inferred by gradient flow.\nExample:\n    let mixture = MixtureDecoder(latent: 8, components: 16, sigma: 1.0)") { call in
            let spec = ModelSpecification(
                architecture: "MixtureDecoder", latent: try ExperimentsSupport.int(call, "latent", in: 1...784),
                components: try ExperimentsSupport.int(call, "components", in: 1...4096),
                sigma: try call.arguments.double("sigma"), seed: try ExperimentsSupport.seed(call))
            guard spec.sigma > 0, spec.sigma.isFinite else {
                throw call.arguments.error("ValueError", "'sigma' must be positive, got \(spec.sigma)", at: "sigma")
            }
            return try build(spec, call)
        },
        .function("save", [
            .positional("model", .host("Model"), doc: "the model to save"),
            .labeled("to", .string, doc: "the file to write (e.g. \"conv.morph\")"),
        ], summary: "Saves a model with its optimiser state, so training resumes after load.",
        doc: "The file is versioned and checksummed and written atomically (a crash leaves the old file).\nExample:\n    save(conv, to: \"conv.morph\")") { call in
            let model = try ExperimentsSupport.model(call)
            let path = call.context.resolve(path: try call.arguments.string("to"))
            try call.context.engine("IOError") {
                try ModelArchive(specification: model.specification, model: model.model, optimizer: model.optimizer,
                                 pixelPermutation: model.pixelPermutation, training: model.trainingJSON).write(to: path)
            }
            return .none
        },
        .function("load", [
            .positional("path", .string, doc: "a file written by save"),
        ], returns: .host("Model"),
        summary: "Loads a model saved with save(model, to:), weights, optimiser state and all.",
        doc: "A corrupt, truncated or foreign file is rejected with the reason.\nExample:\n    let conv = load(\"conv.morph\")") { call in
            let path = call.context.resolve(path: try call.arguments.string("path"))
            let archive = try call.context.engine("IOError") { try ModelArchive(contentsOf: path) }
            let value = ModelValue(specification: archive.specification, model: archive.model)
            value.optimizer = archive.optimizer
            value.pixelPermutation = archive.pixelPermutation
            value.restoreTraining(from: archive.training)
            return .host(value)
        },
        .function("exportWeights", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("to", .string, doc: "the .npz file to write"),
        ], summary: "Writes the weights as a PyTorch state_dict in NumPy .npz form (PyTorch names and layouts).",
        doc: "Load in PyTorch with: model.load_state_dict({k: torch.from_numpy(v) for k, v in numpy.load(path).items()})\nExample:\n    exportWeights(conv, to: \"state.npz\")") { call in
            let model = try ExperimentsSupport.model(call)
            let path = call.context.resolve(path: try call.arguments.string("to"))
            try call.context.engine("IOError") { try ModelArchive.exportWeights(of: model.model, to: path) }
            return .none
        },
        .function("importWeights", [
            .positional("model", .host("Model"), doc: "the model to load into (same architecture and latent size)"),
            .labeled("from", .string, doc: "a PyTorch state_dict saved with numpy.savez"),
        ], returns: .int,
        summary: "Loads a PyTorch state_dict (.npz) into the model, every shape checked; returns the arrays loaded.",
        doc: """
            Layouts as PyTorch stores them: Linear (out, in), Conv2d (out, in, kh, kw), ConvTranspose2d \
            (in, out, kh, kw). Arrays match by name, or in order; a mismatch names the parameter and \
            both shapes, and leaves the model unchanged.
            Example:
                importWeights(conv, from: "state.npz")
            """) { call in
            let model = try ExperimentsSupport.model(call)
            let path = call.context.resolve(path: try call.arguments.string("from"))
            let count = try call.context.engine("ValueError") { try ModelArchive.importWeights(into: model.model, from: path) }
            return .int(count)
        },
        .property(of: ModelValue.self, on: "Model", "latent", returns: .int, summary: "E, the latent size.") { .int($0.model.latentSize) },
        .property(of: ModelValue.self, on: "Model", "parameters", returns: .int, summary: "The number of trainable parameters.") { .int($0.model.parameterCount) },
        .property(of: ModelValue.self, on: "Model", "name", returns: .string, summary: "The architecture's name.") { .string($0.specification.architecture) },
        .property(of: ModelValue.self, on: "Model", "epochs", returns: .int, summary: "Epochs trained so far.") { .int($0.epochsTrained) },
        .property(of: ModelValue.self, on: "Model", "trainingTime", returns: .double, summary: "Seconds spent training.") { .double($0.trainingSeconds) },
        .property(of: ModelValue.self, on: "Model", "layers", returns: .string, summary: "The layers, PyTorch style.") { .string($0.model.summary) },
        .property(of: ModelValue.self, on: "Model", "history", returns: .host("History"), summary: "The last training run's history (none before training).") { m in
            m.lastHistory.map { .host($0) } ?? .none
        },
    ], types: [
        TypeDoc(name: "Model", summary: "An autoencoder (or decoder with inferred latents); training changes it in place."),
    ])

    /// A constructor taking `latent:` (and `seed:`).
    private static func constructor(_ name: String, summary: String) -> Builtin {
        .function(name, [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"), summary: summary,
        doc: "The model shows its layers, parameter count and training state.\nExample:\n    let m = \(name)(latent: 16)\n    train(m, on: data, epochs: 5)") { call in
            let spec = ModelSpecification(architecture: name, latent: try ExperimentsSupport.int(call, "latent", in: 1...784),
                                          seed: try ExperimentsSupport.seed(call))
            return try build(spec, call)
        }
    }

    /// The model value for a specification.
    private static func build(_ spec: ModelSpecification, _ call: Invocation) throws(ScriptError) -> Value {
        let model = try call.context.engine("ValueError") { try spec.makeModel() }
        model.isTraining = false
        return .host(ModelValue(specification: spec, model: model))
    }
}

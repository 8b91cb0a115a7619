import MorphEngine
import MorphJSON

extension Library {
    /// The article's models, saving and loading them (issue 5, "Models").
    static let experimentsModels = Library(name: "experiments-models", builtins: [
        constructor(.autoEncoder, summary: "The shallow autoencoder: encoder Linear(784, E); decoder Linear(E, 784), Sigmoid."),
        .function("AutoEncoder", [
            .labeled("encoder", .host("Layer"), doc: "the encoder: a layer or Sequential from an input sample to the latent z"),
            .labeled("decoder", .host("Layer"), doc: "the decoder: from z (in the encoder's output shape) to as many values as the input"),
            .labeled("input", .array(of: .int), default: Literal.none, doc: "the shape of one input sample ([1, 28, 28] by default)"),
            .labeled("inference", .string, default: .string("encoder"), doc: "\"encoder\": z = e(x); \"flow\": z from the gradient flow started at e(x)"),
            .labeled("flowSteps", .int, default: .int(100), doc: "the flow's Euler steps (inference: \"flow\")"),
            .labeled("flowRate", .double, default: .double(0.002), doc: "the flow's first step size β·dt (inference: \"flow\")"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
            .labeled("name", ExperimentsSupport.optionalString, default: Literal.none, doc: "the label in tables, legends and captions"),
        ], returns: .host("Model"),
        summary: "An autoencoder from layers: z = encoder(x), r = decoder(z); E is the size of the encoder's output.",
        doc: """
            Shapes are checked when the cell runs: a layer that does not fit is named with its place \
            (encoder[2]) and the shapes it gets and needs. The decoder gets z in the encoder's output \
            shape (e.g. [4, 7, 7], E = 196); paths, Jacobians and strips use the flattened z. Weights are \
            drawn from seed in layer order, so definition(m) pasted into a cell rebuilds m exactly.
            Example:
                let encoder = Sequential([Flatten(), Linear(784, 256), ReLU(), Linear(256, 16)])
                let decoder = Sequential([Linear(16, 256), ReLU(), Linear(256, 784), Sigmoid(), Reshape([1, 28, 28])])
                let mlp = AutoEncoder(encoder: encoder, decoder: decoder, seed: 0, name: "MLP 256")
            """) { call in
            try composition(call, kind: .autoEncoder)
        },
        .function("AutoEncoder", [
            .labeled("decoder", .host("Layer"), doc: "the decoder: from z to as many values as the input"),
            .labeled("latent", .int, doc: "E, the latent size"),
            .labeled("input", .array(of: .int), default: Literal.none, doc: "the shape of one input sample ([1, 28, 28] by default)"),
            .labeled("inference", .string, default: .string("flow"), doc: "\"flow\": z from the gradient flow started at z = 0"),
            .labeled("flowSteps", .int, default: .int(100), doc: "the flow's Euler steps"),
            .labeled("flowRate", .double, default: .double(0.002), doc: "the flow's first step size β·dt"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
            .labeled("name", ExperimentsSupport.optionalString, default: Literal.none, doc: "the label in tables, legends and captions"),
        ], returns: .host("Model"),
        summary: "A decoder-only model: z is inferred by the gradient flow dz/dt = β (x − r(z))ᵀ dr/dz from z = 0.",
        doc: "Training infers z for every batch, then fits the decoder to it.\nExample:\n    let sogae = AutoEncoder(decoder: SecondOrder(8, 784), latent: 8, input: [784])") { call in
            try composition(call, kind: .autoEncoder)
        },
        .function("VAE", [
            .labeled("encoder", .host("Layer"), doc: "outputs 2E values: the mean, then the log-variance"),
            .labeled("decoder", .host("Layer"), doc: "from z ([E]) to as many values as the input"),
            .labeled("beta", .double, default: .double(1), doc: "weight of the KL term in the elbo objective"),
            .labeled("input", .array(of: .int), default: Literal.none, doc: "the shape of one input sample ([1, 28, 28] by default)"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
            .labeled("name", ExperimentsSupport.optionalString, default: Literal.none, doc: "the label in tables, legends and captions"),
        ], returns: .host("Model"),
        summary: "A VAE from layers: the encoder's 2E outputs are the mean and log-variance; losses, paths and strips use z = mean.",
        doc: "Trains with the elbo objective by default.\nExample:\n    let vae = VAE(encoder: Sequential([Flatten(), Linear(784, 32)]), decoder: Sequential([Linear(16, 784), Sigmoid()]), beta: 1)") { call in
            let beta = try call.arguments.double("beta")
            guard beta >= 0, beta.isFinite, Float(beta).isFinite else {
                throw call.arguments.error("ValueError", "'beta' must be 0 or more and finite, got \(beta)", at: "beta")
            }
            return try composition(call, kind: .variational(beta: beta))
        },
        constructor(.autoEncoderBN, summary: "Fully connected 784-512-256-E and back, with batch norm after each hidden Linear."),
        constructor(.autoEncoderBakeOff, summary: "Fully connected 784-512-256-E and back, without batch norm (the article's BakeOff)."),
        constructor(.convAutoEncoder, summary: "The convolutional autoencoder adapted from beta-VAE: 28→14→7→4, Linear 1024-256-E, mirrored."),
        constructor(.locallyConnectedAutoEncoder, summary: "ConvAutoEncoder's topology without weight sharing (locally connected layers)."),
        constructor(.pca, summary: "Principal component analysis as a linear autoencoder; train fits it in closed form."),
        constructor(.sogae, summary: "Construction 1: r(z) = b + A z + ½ zᵀ W z, latent inferred by gradient flow (amortised start)."),
        .function("ConvVAE", [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("beta", .double, default: .double(1), doc: "weight of the KL term in the elbo objective"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"),
        summary: "beta-VAE on ConvAutoEncoder's topology; losses, paths and strips use z = the posterior mean.",
        doc: "Trains with the elbo objective by default.\nExample:\n    let vae = ConvVAE(latent: 16, beta: 4)") { call in
            let beta = try call.arguments.double("beta")
            guard beta >= 0, beta.isFinite, Float(beta).isFinite else {
                throw call.arguments.error("ValueError", "'beta' must be 0 or more and finite, got \(beta)", at: "beta")
            }
            return try build(NamedModel.convVAE.definition(latent: try ExperimentsSupport.int(call, "latent", in: 1...784),
                                                           seed: try ExperimentsSupport.seed(call), beta: beta), call)
        },
        .function("MixtureDecoder", [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("components", .int, default: .int(16), doc: "K, the number of local linear maps"),
            .labeled("sigma", .double, default: .double(1), doc: "σ, the width of each map's region"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"),
        summary: "Construction 2: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k), a softmax mixture of linear maps.",
        doc: "π = softmax(−‖z − c_k‖² / 2σ²); paths use the exact Jacobian. The latent is inferred by gradient flow.\nExample:\n    let mixture = MixtureDecoder(latent: 8, components: 16, sigma: 1.0)") { call in
            let sigma = try call.arguments.double("sigma")
            guard sigma > 0, sigma.isFinite, Float(sigma).isNormal else {
                throw call.arguments.error("ValueError", "'sigma' must be positive, got \(sigma)", at: "sigma")
            }
            return try build(NamedModel.mixtureDecoder.definition(
                latent: try ExperimentsSupport.int(call, "latent", in: 1...784), seed: try ExperimentsSupport.seed(call),
                components: try ExperimentsSupport.int(call, "components", in: 1...4096), sigma: sigma), call)
        },
        .function("definition", [
            .positional("model", .host("Model"), doc: "the model"),
        ], returns: .string,
        summary: "The MorphScript that builds the model (seed and name included), to paste into a cell and edit.",
        doc: "For a named model it is the composition of layers it is made of (PCA: its own call); the same seed gives identical weights.\nExample:\n    print(definition(ConvAutoEncoder(latent: 16)))") { call in
            .string(try ExperimentsSupport.model(call).model.definition.scriptText)
        },
        .function("save", [
            .positional("model", .host("Model"), doc: "the model to save"),
            .labeled("to", .string, doc: "the file to write (e.g. \"conv.morph\")"),
        ], summary: "Saves a model with its optimiser state, so training resumes after load.",
        doc: "The file is versioned and checksummed and written atomically (a crash leaves the old file).\nExample:\n    save(conv, to: \"conv.morph\")") { call in
            let model = try ExperimentsSupport.model(call)
            let path = call.context.resolve(path: try call.arguments.string("to"))
            try call.context.engine("IOError") {
                try ModelArchive(model: model.model).write(to: path)
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
            let value = ModelValue(model: archive.model)
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
        .property(of: ModelValue.self, on: "Model", "name", returns: .string, summary: "The model's label in tables, legends and captions.") { .string($0.name) },
        .property(of: ModelValue.self, on: "Model", "epochs", returns: .int, summary: "Epochs trained so far.") { .int($0.model.record.epochs) },
        .property(of: ModelValue.self, on: "Model", "trainingTime", returns: .double, summary: "Seconds spent training.") { .double($0.trainingSeconds) },
        .property(of: ModelValue.self, on: "Model", "layers", returns: .string, summary: "The layers, PyTorch style.") { .string($0.model.summary) },
        .property(of: ModelValue.self, on: "Model", "summary", returns: .host("Table"), summary: "Every layer with its output shape, parameters and multiply-adds per image.") { m in
            guard let table = m.layerTable else { return .none }
            return .host(TableValue(table: table, provenance: Provenance(models: [m.label])))
        },
        .property(of: ModelValue.self, on: "Model", "multiplyAdds", returns: .int, summary: "Multiply-adds per image of one encode and decode.") { m in
            .int((m.model.layout.encoderLayers + m.model.layout.decoderLayers).reduce(0) { $0 &+ $1.multiplyAdds })
        },
        .property(of: ModelValue.self, on: "Model", "history", returns: .host("History"), summary: "The last training run's history (none before training).") { m in
            m.lastHistory.map { .host($0) } ?? .none
        },
    ], types: [
        TypeDoc(name: "Model", summary: "An autoencoder (or decoder with inferred latents); training changes it in place."),
    ])

    /// A named model's constructor taking `latent:` (and `seed:`).
    private static func constructor(_ named: NamedModel, summary: String) -> Builtin {
        .function(named.rawValue, [
            .labeled("latent", .int, default: .int(16), doc: "E, the latent size"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the initial weights"),
        ], returns: .host("Model"), summary: summary,
        doc: "The model shows its layers, parameter count and training state; definition(m) gives the layers it is made of.\nExample:\n    let m = \(named.rawValue)(latent: 16)\n    train(m, on: data, epochs: 5)") { call in
            try build(named.definition(latent: try ExperimentsSupport.int(call, "latent", in: 1...784),
                                       seed: try ExperimentsSupport.seed(call)), call)
        }
    }

    /// A model of layers: `AutoEncoder(encoder:decoder:…)`, `AutoEncoder(decoder:latent:…)` or `VAE(…)`.
    private static func composition(_ call: Invocation, kind: ModelDefinition.Kind) throws(ScriptError) -> Value {
        func layer(_ name: String) throws(ScriptError) -> LayerSpec? {
            guard call.arguments.has(name) else { return nil }
            return try call.arguments.host(name, as: LayerValue.self).spec
        }
        guard let decoder = try layer("decoder") else { throw call.arguments.error("TypeError", "missing 'decoder:'", at: "decoder") }
        let encoder = try layer("encoder")
        var input = [1, 28, 28]
        if call.arguments.has("input") {
            input = []
            for item in try call.arguments.array("input") {
                guard case .int(let v) = item, (1...maximumSize).contains(v) else {
                    throw call.arguments.error("ValueError", "'input' must hold sizes between 1 and \(maximumSize), found \(item.repr)", at: "input")
                }
                input.append(v)
            }
            guard (1...3).contains(input.count) else {
                throw call.arguments.error("ValueError", "'input' must have 1 to 3 sizes, e.g. [1, 28, 28] or [784]; got \(input.count)", at: "input")
            }
        }
        var inference = LatentInference.encoder
        if case .string(let text) = call.arguments["inference"] {
            switch text {
            case "encoder":
                guard encoder != nil else {
                    throw call.arguments.error("ValueError", "a model without an encoder infers its latent: use inference: \"flow\"", at: "inference")
                }
            case "flow":
                let steps = try ExperimentsSupport.int(call, "flowSteps", in: 0...100_000)
                let rate = try call.arguments.double("flowRate")
                guard rate > 0, rate.isFinite, Float(rate).isNormal else {
                    throw call.arguments.error("ValueError", "'flowRate' must be positive, got \(rate)", at: "flowRate")
                }
                inference = .flow(GradientFlow(steps: steps, stepSize: Float(rate)))
            default:
                throw call.arguments.error("ValueError", "'inference' must be \"encoder\" or \"flow\", got \(Value.quote(text))", at: "inference")
            }
        }
        var latent: Int?
        if encoder == nil { latent = try ExperimentsSupport.int(call, "latent", in: 1...maximumSize) }
        var name: String?
        if call.arguments.has("name") {
            let text = try call.arguments.string("name")
            guard !text.isEmpty, text.count <= 200 else {
                throw call.arguments.error("ValueError", "'name' must be 1 to 200 characters", at: "name")
            }
            name = text
        }
        let definition = ModelDefinition(kind: kind, encoder: encoder, decoder: decoder, inputShape: input, latentSize: latent,
                                         inference: inference, seed: try ExperimentsSupport.seed(call), name: name)
        return try build(definition, call)
    }

    /// The model value for a definition; a network that does not fit is an error at the argument it is in.
    private static func build(_ definition: ModelDefinition, _ call: Invocation) throws(ScriptError) -> Value {
        do {
            return .host(ModelValue(model: try AutoEncoderModel(definition)))
        } catch let error as NetworkError {
            let argument: String
            switch error.part {
            case .encoder, .decoder, .input, .latent: argument = error.part.rawValue
            case .weights: argument = ""
            }
            throw call.arguments.error("ShapeError", error.message, at: argument)
        } catch {
            throw ScriptError.converting(error, kind: "ValueError")
        }
    }
}

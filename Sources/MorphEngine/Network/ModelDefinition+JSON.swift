import MorphJSON

extension LayerSpec {
    /// The layer as JSON: {"layer": "Conv2d", "in": 1, "out": 32, "kernel": 4, …}.
    public var json: JSON {
        var object: [String: JSON] = ["layer": .string(typeName)]
        switch self {
        case let .linear(i, o, bias):
            object["in"] = JSON(i); object["out"] = JSON(o); object["bias"] = .bool(bias)
        case let .conv2d(c), let .convTranspose2d(c), let .locallyConnected2d(c), let .locallyConnectedTranspose2d(c):
            object["in"] = JSON(c.inChannels); object["out"] = JSON(c.outChannels); object["kernel"] = JSON(c.kernel)
            object["stride"] = JSON(c.stride); object["padding"] = JSON(c.padding)
            object["outputPadding"] = JSON(c.outputPadding); object["bias"] = .bool(c.bias)
        case let .batchNorm(f):
            object["features"] = JSON(f)
        case let .leakyRelu(slope):
            object["slope"] = JSON(slope)
        case let .reshape(shape):
            object["shape"] = .array(shape.map { JSON($0) })
        case let .sequential(layers):
            object["layers"] = .array(layers.map(\.json))
        case let .secondOrder(i, o):
            object["in"] = JSON(i); object["out"] = JSON(o)
        case let .linearMixture(i, o, k, sigma):
            object["in"] = JSON(i); object["out"] = JSON(o); object["components"] = JSON(k); object["sigma"] = JSON(sigma)
        case .relu, .sigmoid, .tanh, .flatten:
            break
        }
        return .object(object)
    }

    /// A layer read back from JSON; anything missing or out of range is an error (sizes are
    /// checked again when a model is built from it).
    public init(json: JSON, depth: Int = 0) throws(NetworkError) {
        func fail(_ what: String) -> NetworkError { NetworkError(.weights, "the saved network is malformed: \(what)") }
        guard depth < 32 else { throw fail("layers nested more than 32 deep") }
        guard let type = json["layer"]?.stringValue else { throw fail("a layer has no type") }
        func int(_ key: String, default value: Int? = nil) throws(NetworkError) -> Int {
            guard let v = json[key]?.intValue ?? value, (-1...maximumLayerSize).contains(v) else {
                throw fail("\(type) has no valid \(key)")
            }
            return v
        }
        func bool(_ key: String) -> Bool { json[key]?.boolValue ?? true }
        func convolution() throws(NetworkError) -> ConvolutionSpec {
            ConvolutionSpec(try int("in"), try int("out"), kernel: try int("kernel"), stride: try int("stride", default: 1),
                            padding: try int("padding", default: 0), outputPadding: try int("outputPadding", default: 0),
                            bias: bool("bias"))
        }
        switch type {
        case "Linear": self = .linear(inputs: try int("in"), outputs: try int("out"), bias: bool("bias"))
        case "Conv2d": self = .conv2d(try convolution())
        case "ConvTranspose2d": self = .convTranspose2d(try convolution())
        case "LocallyConnected2d": self = .locallyConnected2d(try convolution())
        case "LocallyConnectedTranspose2d": self = .locallyConnectedTranspose2d(try convolution())
        case "BatchNorm": self = .batchNorm(features: try int("features"))
        case "ReLU": self = .relu
        case "LeakyReLU":
            guard let slope = json["slope"]?.doubleValue, slope.isFinite else { throw fail("LeakyReLU has no valid slope") }
            self = .leakyRelu(slope: slope)
        case "Sigmoid": self = .sigmoid
        case "Tanh": self = .tanh
        case "Flatten": self = .flatten
        case "Reshape":
            guard let items = json["shape"]?.arrayValue, items.count <= 8 else { throw fail("Reshape has no valid shape") }
            var shape: [Int] = []
            for item in items {
                guard let v = item.intValue, (1...maximumLayerSize).contains(v) else { throw fail("Reshape has no valid shape") }
                shape.append(v)
            }
            self = .reshape(shape)
        case "Sequential":
            guard let items = json["layers"]?.arrayValue else { throw fail("Sequential has no layers") }
            var layers: [LayerSpec] = []
            for item in items { layers.append(try LayerSpec(json: item, depth: depth + 1)) }
            self = .sequential(layers)
        case "SecondOrder": self = .secondOrder(inputs: try int("in"), outputs: try int("out"))
        case "LinearMixture":
            guard let sigma = json["sigma"]?.doubleValue, sigma > 0, sigma.isFinite else { throw fail("LinearMixture has no valid sigma") }
            self = .linearMixture(inputs: try int("in"), outputs: try int("out"), components: try int("components"), sigma: sigma)
        default:
            throw fail("unknown layer \"\(type)\"")
        }
    }
}

extension ModelDefinition {
    /// The definition as JSON (checkpoint metadata).
    public var json: JSON {
        var object: [String: JSON] = [
            "decoder": decoder.json, "input": .array(inputShape.map { JSON($0) }),
            "seed": .string(String(seed)), "name": .string(name),
        ]
        switch kind {
        case .autoEncoder: object["kind"] = "autoencoder"
        case let .variational(beta): object["kind"] = "vae"; object["beta"] = JSON(beta)
        case .principalComponents: object["kind"] = "pca"
        }
        if let encoder { object["encoder"] = encoder.json }
        if let latentSize { object["latent"] = JSON(latentSize) }
        if case let .flow(flow) = inference {
            object["inference"] = .object(["kind": "flow", "steps": JSON(flow.steps), "stepSize": JSON(flow.stepSize)])
        } else {
            object["inference"] = .object(["kind": "encoder"])
        }
        if let namedCall { object["namedCall"] = .string(namedCall) }
        return .object(object)
    }

    /// A definition read back from JSON, or from an older file's {"architecture": …, "latent": …}
    /// (a named model). The network is checked as when a cell builds it.
    public init(json: JSON) throws(NetworkError) {
        func fail(_ what: String) -> NetworkError { NetworkError(.weights, "the saved model description is malformed: \(what)") }
        if let architecture = json["architecture"]?.stringValue {
            guard let named = NamedModel(rawValue: architecture) else { throw fail("unknown architecture '\(architecture)'") }
            guard let latent = json["latent"]?.intValue, (1...784).contains(latent) else { throw fail("no valid latent size") }
            var seed: UInt64 = 0
            if let value = json["seed"] {
                guard let exact = value.doubleValue.flatMap({ UInt64(exactly: $0) }) else { throw fail("no valid seed") }
                seed = exact
            }
            let beta = json["beta"]?.doubleValue ?? 1, sigma = json["sigma"]?.doubleValue ?? 1
            guard beta.isFinite, beta >= 0, sigma.isFinite, sigma > 0 else { throw fail("invalid beta or sigma") }
            let components = json["components"]?.intValue ?? 16
            guard (1...4096).contains(components) else {
                throw fail("invalid components")
            }
            self = named.definition(latent: latent, seed: seed, beta: beta, components: components, sigma: sigma)
            _ = try layout()
            return
        }
        guard let decoderJSON = json["decoder"] else { throw fail("no decoder") }
        let decoder = try LayerSpec(json: decoderJSON)
        let encoder = try json["encoder"].map { (j: JSON) throws(NetworkError) -> LayerSpec in try LayerSpec(json: j) }
        guard let items = json["input"]?.arrayValue, (1...3).contains(items.count) else { throw fail("no valid input shape") }
        var input: [Int] = []
        for item in items {
            guard let v = item.intValue, (1...maximumLayerSize).contains(v) else { throw fail("no valid input shape") }
            input.append(v)
        }
        let kind: Kind
        switch json["kind"]?.stringValue {
        case "autoencoder"?: kind = .autoEncoder
        case "pca"?: kind = .principalComponents
        case "vae"?:
            guard let beta = json["beta"]?.doubleValue, beta.isFinite, beta >= 0 else { throw fail("no valid beta") }
            kind = .variational(beta: beta)
        default: throw fail("unknown kind")
        }
        var inference = LatentInference.encoder
        if json["inference"]?["kind"]?.stringValue == "flow" {
            guard let steps = json["inference"]?["steps"]?.intValue, (0...100_000).contains(steps),
                  let size = json["inference"]?["stepSize"]?.doubleValue, size.isFinite, size >= 0 else {
                throw fail("no valid gradient flow")
            }
            inference = .flow(GradientFlow(steps: steps, stepSize: Float(size)))
        }
        guard let seedText = json["seed"]?.stringValue, let seed = UInt64(seedText) else { throw fail("no valid seed") }
        var latent: Int?
        if let value = json["latent"] {
            guard let v = value.intValue, (1...maximumLayerSize).contains(v) else { throw fail("no valid latent size") }
            latent = v
        }
        guard let name = json["name"]?.stringValue, name.count <= 1000 else { throw fail("no valid name") }
        self.init(kind: kind, encoder: encoder, decoder: decoder, inputShape: input, latentSize: latent,
                  inference: inference, seed: seed, name: name, namedCall: json["namedCall"]?.stringValue)
        _ = try layout()
    }
}

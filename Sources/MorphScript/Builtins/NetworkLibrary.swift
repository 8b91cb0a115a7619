import MorphEngine

extension Library {
    /// Layers as values, composed into autoencoders by `AutoEncoder(encoder:decoder:)` and `VAE`.
    static let network = Library(name: "network", builtins: [
        .function("Linear", [
            .positional("inFeatures", .int, doc: "values per input sample"),
            .positional("outFeatures", .int, doc: "values per output sample"),
            .labeled("bias", .bool, default: .bool(true), doc: "whether to add a bias"),
        ], returns: .host("Layer"),
        summary: "A fully connected layer y = x·Wᵀ + b on flat samples (PyTorch's nn.Linear).",
        doc: "Example:\n    Linear(784, 512)") { call in
            layer(.linear(inputs: try size(call, "inFeatures"), outputs: try size(call, "outFeatures"),
                          bias: try call.arguments.bool("bias")))
        },
        convolution("Conv2d", summary: "A 2-D convolution over [C, H, W] samples (PyTorch's nn.Conv2d).",
                    example: "Conv2d(1, 32, kernel: 4, stride: 2, padding: 1)") { .conv2d($0) },
        convolution("ConvTranspose2d", transposed: true,
                    summary: "A transposed 2-D convolution: output side (H − 1)·stride − 2·padding + kernel + outputPadding (PyTorch's nn.ConvTranspose2d).",
                    example: "ConvTranspose2d(32, 1, kernel: 4, stride: 2, padding: 1)") { .convTranspose2d($0) },
        convolution("LocallyConnected2d", summary: "A convolution without weight sharing: one kernel and bias per output position.",
                    example: "LocallyConnected2d(32, 32, kernel: 4, stride: 2, padding: 1)") { .locallyConnected2d($0) },
        convolution("LocallyConnectedTranspose2d",
                    summary: "A transposed convolution without weight sharing: one kernel per input position, a bias per output position.",
                    example: "LocallyConnectedTranspose2d(64, 32, kernel: 3, stride: 2, padding: 1)") { .locallyConnectedTranspose2d($0) },
        .function("BatchNorm", [
            .positional("features", .int, doc: "C, the channels of [C] or [C, H, W] samples"),
        ], returns: .host("Layer"),
        summary: "Batch normalisation over channels (BatchNorm1d on [C], BatchNorm2d on [C, H, W]; ε 1e-5, momentum 0.1).",
        doc: "Analysis always runs in evaluation mode (running statistics).\nExample:\n    BatchNorm(512)") { call in
            layer(.batchNorm(features: try size(call, "features")))
        },
        .function("ReLU", returns: .host("Layer"), summary: "max(x, 0).", doc: "Example:\n    ReLU()") { _ in layer(.relu) },
        .function("LeakyReLU", [
            .positional("slope", .double, default: .double(0.01), doc: "the slope for x < 0"),
        ], returns: .host("Layer"), summary: "x for x > 0, slope·x otherwise.", doc: "Example:\n    LeakyReLU(0.2)") { call in
            let slope = try call.arguments.double("slope")
            guard slope.isFinite, Float(slope).isFinite else {
                throw call.arguments.error("ValueError", "'slope' must be a finite number, got \(slope)", at: "slope")
            }
            return layer(.leakyRelu(slope: slope))
        },
        .function("Sigmoid", returns: .host("Layer"), summary: "1 / (1 + e^−x).", doc: "Example:\n    Sigmoid()") { _ in layer(.sigmoid) },
        .function("Tanh", returns: .host("Layer"), summary: "tanh x.", doc: "Example:\n    Tanh()") { _ in layer(.tanh) },
        .function("Flatten", returns: .host("Layer"), summary: "Each sample to a vector, in (C, H, W) order.",
                  doc: "Example:\n    Flatten()") { _ in layer(.flatten) },
        .function("Reshape", [
            .positional("shape", .array(of: .int), doc: "the shape of one sample, e.g. [64, 4, 4]"),
        ], returns: .host("Layer"), summary: "Each sample to the given shape (as many values), PyTorch's nn.Unflatten.",
        doc: "Example:\n    Reshape([64, 4, 4])") { call in
            var shape: [Int] = []
            for item in try call.arguments.array("shape") {
                guard case .int(let v) = item, (1...maximumSize).contains(v) else {
                    throw call.arguments.error("ValueError", "'shape' must hold sizes between 1 and \(maximumSize), found \(item.repr)", at: "shape")
                }
                shape.append(v)
            }
            guard (1...3).contains(shape.count) else {
                throw call.arguments.error("ValueError", "'shape' must have 1 to 3 sizes, got \(shape.count)", at: "shape")
            }
            return layer(.reshape(shape))
        },
        .function("Sequential", [
            .positional("layers", .array, doc: "the layers in order (Sequentials may nest)"),
        ], returns: .host("Layer"), summary: "Layers applied in order (PyTorch's nn.Sequential).",
        doc: "Example:\n    let encoder = Sequential([Linear(784, 256), ReLU(), Linear(256, 16)])") { call in
            var layers: [LayerSpec] = []
            for item in try call.arguments.array("layers") {
                guard case .host(let value as LayerValue) = item else {
                    throw call.arguments.error("TypeError", "'layers' must hold layers such as Linear(784, 16) or ReLU(), found \(item.typeName)", at: "layers")
                }
                layers.append(value.spec)
            }
            guard !layers.isEmpty else { throw call.arguments.error("ValueError", "'layers' is empty; give at least one layer", at: "layers") }
            return layer(.sequential(layers))
        },
        .function("SecondOrder", [
            .positional("inFeatures", .int, doc: "E, the latent size"),
            .positional("outFeatures", .int, doc: "D, values per image"),
        ], returns: .host("Layer"),
        summary: "Construction 1's decoder: r(z) = b + A z + ½ zᵀ W z per output, so dr/dz = A + W̃ z (O(D E²) parameters).",
        doc: "SOGAE is AutoEncoder(encoder: Sequential([Linear(784, E)]), decoder: SecondOrder(E, 784), inference: \"flow\").\nExample:\n    SecondOrder(8, 784)") { call in
            let e = try size(call, "inFeatures", upTo: 256)
            return layer(.secondOrder(inputs: e, outputs: try size(call, "outFeatures")))
        },
        .function("LinearMixture", [
            .positional("inFeatures", .int, doc: "E, the latent size"),
            .positional("outFeatures", .int, doc: "D, values per image"),
            .labeled("components", .int, default: .int(16), doc: "K, the number of local linear maps"),
            .labeled("sigma", .double, default: .double(1), doc: "σ, the width of each map's region"),
        ], returns: .host("Layer"),
        summary: "Construction 2's decoder: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k), π = softmax_k(−‖z − c_k‖² / 2σ²).",
        doc: "Example:\n    LinearMixture(8, 784, components: 16, sigma: 1.0)") { call in
            let sigma = try call.arguments.double("sigma")
            guard sigma > 0, sigma.isFinite, Float(sigma).isNormal else {
                throw call.arguments.error("ValueError", "'sigma' must be a positive number, got \(sigma)", at: "sigma")
            }
            return layer(.linearMixture(inputs: try size(call, "inFeatures", upTo: 4096), outputs: try size(call, "outFeatures"),
                                        components: try size(call, "components", upTo: 4096), sigma: sigma))
        },
        .property(of: LayerValue.self, on: "Layer", "count", returns: .int, summary: "The layers a Sequential holds (1 for any other layer).") { l in
            .int(l.spec.children.count)
        },
    ], types: [
        TypeDoc(name: "Layer", summary: "A layer without weights (Linear, Conv2d, …, Sequential); AutoEncoder(encoder:decoder:) builds a model from layers."),
    ])

    /// The largest size a layer argument may have.
    static let maximumSize = 1 << 24

    private static func layer(_ spec: LayerSpec) -> Value { .host(LayerValue(spec)) }

    /// An Int argument that must be a size between 1 and `limit`.
    private static func size(_ call: Invocation, _ name: String, upTo limit: Int = maximumSize) throws(ScriptError) -> Int {
        try ExperimentsSupport.int(call, name, in: 1...limit)
    }

    /// A convolution-like layer's constructor: (in, out, kernel:, stride:, padding:[, outputPadding:], bias:).
    private static func convolution(_ name: String, transposed: Bool = false,
                                    summary: String, example: String,
                                    make: @escaping @Sendable (ConvolutionSpec) -> LayerSpec) -> Builtin {
        var parameters: [Parameter] = [
            .positional("inChannels", .int, doc: "input channels C"),
            .positional("outChannels", .int, doc: "output channels"),
            .labeled("kernel", .int, doc: "the square kernel's side"),
            .labeled("stride", .int, default: .int(1), doc: "the step between kernel positions"),
            .labeled("padding", .int, default: .int(0), doc: "zeros added on every side"),
        ]
        if transposed {
            parameters.append(.labeled("outputPadding", .int, default: .int(0), doc: "rows and columns added at the bottom and right of the output (less than the stride)"))
        }
        parameters.append(.labeled("bias", .bool, default: .bool(true), doc: "whether to add a bias"))
        return .function(name, parameters, returns: .host("Layer"), summary: summary,
                         doc: "PyTorch's argument order and meaning.\nExample:\n    \(example)") { call in
            let stride = try ExperimentsSupport.int(call, "stride", in: 1...1024)
            var spec = ConvolutionSpec(
                try size(call, "inChannels"), try size(call, "outChannels"),
                kernel: try ExperimentsSupport.int(call, "kernel", in: 1...1024), stride: stride,
                padding: try ExperimentsSupport.int(call, "padding", in: 0...1024), bias: try call.arguments.bool("bias"))
            if transposed {
                let outputPadding = try ExperimentsSupport.int(call, "outputPadding", in: 0...1024)
                guard outputPadding == 0 || outputPadding < stride else {
                    throw call.arguments.error("ValueError", "'outputPadding' must be less than the stride (\(stride)), got \(outputPadding)", at: "outputPadding")
                }
                spec.outputPadding = outputPadding
            }
            return layer(make(spec))
        }
    }
}

/// The hyperparameters of a convolution-like layer, in PyTorch's order and meaning.
public struct ConvolutionSpec: Sendable, Equatable {
    /// Input and output channels.
    public var inChannels: Int, outChannels: Int
    /// The square kernel's side, the stride and the zero padding on every side.
    public var kernel: Int, stride: Int, padding: Int
    /// Extra rows and columns added to one side of a transposed layer's output (less than the stride).
    public var outputPadding: Int
    /// Whether the layer adds a bias.
    public var bias: Bool

    /// A convolution spec; stride 1, no padding and a bias by default, as in PyTorch.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.bias = bias
    }
}

/// A layer as a value: its kind and hyperparameters, without weights. A model allocates the
/// weights when it is built, so one spec used in two models gives each its own.
public indirect enum LayerSpec: Sendable, Equatable {
    /// y = x·Wᵀ + b on flat samples.
    case linear(inputs: Int, outputs: Int, bias: Bool)
    /// A 2-D convolution over [C, H, W] samples.
    case conv2d(ConvolutionSpec)
    /// A transposed 2-D convolution over [C, H, W] samples.
    case convTranspose2d(ConvolutionSpec)
    /// A convolution without weight sharing (a kernel per output position).
    case locallyConnected2d(ConvolutionSpec)
    /// A transposed convolution without weight sharing (a kernel per input position).
    case locallyConnectedTranspose2d(ConvolutionSpec)
    /// Batch normalisation over the channels of [C] or [C, H, W] samples.
    case batchNorm(features: Int)
    /// max(x, 0).
    case relu
    /// x for x > 0, slope·x otherwise.
    case leakyRelu(slope: Double)
    /// 1 / (1 + e^−x).
    case sigmoid
    /// tanh x.
    case tanh
    /// Each sample to a vector, in (C, H, W) order.
    case flatten
    /// Each sample to the given shape (the same number of values).
    case reshape([Int])
    /// Layers applied in order.
    case sequential([LayerSpec])
    /// Construction 1's decoder: r_d(z) = b_d + A_d z + ½ zᵀ W_d z on flat samples.
    case secondOrder(inputs: Int, outputs: Int)
    /// Construction 2's decoder: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k), π = softmax_k(−‖z − c_k‖² / 2σ²).
    case linearMixture(inputs: Int, outputs: Int, components: Int, sigma: Double)

    /// The layer's name as cells write it ("Conv2d").
    public var typeName: String {
        switch self {
        case .linear: return "Linear"
        case .conv2d: return "Conv2d"
        case .convTranspose2d: return "ConvTranspose2d"
        case .locallyConnected2d: return "LocallyConnected2d"
        case .locallyConnectedTranspose2d: return "LocallyConnectedTranspose2d"
        case .batchNorm: return "BatchNorm"
        case .relu: return "ReLU"
        case .leakyRelu: return "LeakyReLU"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .flatten: return "Flatten"
        case .reshape: return "Reshape"
        case .sequential: return "Sequential"
        case .secondOrder: return "SecondOrder"
        case .linearMixture: return "LinearMixture"
        }
    }

    /// The call that makes this layer in a cell, on one line ("Conv2d(1, 32, kernel: 4, stride: 2, padding: 1)").
    public var callText: String {
        switch self {
        case let .linear(i, o, bias): return "Linear(\(i), \(o)\(bias ? "" : ", bias: false"))"
        case let .conv2d(c): return "Conv2d(\(c.arguments(transposed: false)))"
        case let .convTranspose2d(c): return "ConvTranspose2d(\(c.arguments(transposed: true)))"
        case let .locallyConnected2d(c): return "LocallyConnected2d(\(c.arguments(transposed: false)))"
        case let .locallyConnectedTranspose2d(c): return "LocallyConnectedTranspose2d(\(c.arguments(transposed: false)))"
        case let .batchNorm(f): return "BatchNorm(\(f))"
        case .relu: return "ReLU()"
        case let .leakyRelu(slope): return "LeakyReLU(\(ScriptNumber.text(slope)))"
        case .sigmoid: return "Sigmoid()"
        case .tanh: return "Tanh()"
        case .flatten: return "Flatten()"
        case let .reshape(shape): return "Reshape(\(shape))"
        case let .sequential(layers): return "Sequential([" + layers.map(\.callText).joined(separator: ", ") + "])"
        case let .secondOrder(i, o): return "SecondOrder(\(i), \(o))"
        case let .linearMixture(i, o, k, sigma):
            return "LinearMixture(\(i), \(o), components: \(k), sigma: \(ScriptNumber.text(sigma)))"
        }
    }

    /// The call text laid out over several lines, each nested layer of a Sequential on its own
    /// line, indented by `indent` spaces per level.
    public func definitionText(indent: Int = 4, level: Int = 0) -> String {
        guard case let .sequential(layers) = self, !layers.isEmpty else { return callText }
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        let lines = layers.map { inner + $0.definitionText(indent: indent, level: level + 1) + "," }
        return "Sequential([\n" + lines.joined(separator: "\n") + "\n" + outer + "])"
    }

    /// The layers of a Sequential, or the layer itself.
    public var children: [LayerSpec] {
        if case let .sequential(layers) = self { return layers }
        return [self]
    }

    /// Whether the layer has trainable parameters or buffers (so PyTorch lists it in a state_dict).
    public var hasState: Bool {
        switch self {
        case .relu, .leakyRelu, .sigmoid, .tanh, .flatten, .reshape: return false
        case let .sequential(layers): return layers.contains(where: \.hasState)
        default: return true
        }
    }
}

extension ConvolutionSpec {
    /// "1, 32, kernel: 4, stride: 2, padding: 1" (output padding only for transposed layers that use it).
    func arguments(transposed: Bool) -> String {
        var text = "\(inChannels), \(outChannels), kernel: \(kernel), stride: \(stride), padding: \(padding)"
        if transposed && outputPadding != 0 { text += ", outputPadding: \(outputPadding)" }
        if !bias { text += ", bias: false" }
        return text
    }
}

/// Numbers as MorphScript literals.
enum ScriptNumber {
    /// A Double as a literal that reads back to the same value ("1.0", "0.2", "1e-05").
    static func text(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return String(value)
    }
}

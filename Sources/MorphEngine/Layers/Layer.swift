/// A building block of a model: a function of a batch with named parameters.
public protocol Layer: AnyObject {
    /// Applies the layer to a batch.
    func callAsFunction(_ x: Variable) throws(EngineError) -> Variable
    /// Trainable parameters with their PyTorch names inside the layer ("weight", "bias").
    var parameters: [Parameter] { get }
    /// Non-trainable state in PyTorch state_dict order (batch norm's running statistics).
    var buffers: [Parameter] { get }
    /// Training mode (batch statistics) or evaluation mode.
    var isTraining: Bool { get set }
    /// A one-line description, PyTorch style ("Linear(in_features=784, out_features=16)").
    var summary: String { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
    public var isTraining: Bool {
        get { false }
        set {}
    }
}

extension Layer {
    /// Parameters and buffers in PyTorch state_dict order, each named `prefix` + its path
    /// ("encoder.0.weight", "decoder.3.1.bias": a Sequential's indices count every layer).
    public func stateEntries(prefix: String) -> [(name: String, tensor: Parameter)] {
        if let sequential = self as? Sequential {
            return sequential.layers.enumerated().flatMap { $0.element.stateEntries(prefix: "\(prefix)\($0.offset).") }
        }
        return (parameters + buffers).map { ("\(prefix)\($0.name)", $0) }
    }
}

/// PyTorch's default initialisation: U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5
/// for weights; the same bound for biases).
func pytorchUniform(_ shape: [Int], fanIn: Int, generator: inout RandomGenerator) throws(EngineError) -> Tensor {
    let bound = 1 / Float(max(1, fanIn)).squareRoot()
    return try Tensor.randomUniform(shape, low: -bound, high: bound, generator: &generator)
}

/// A chain of layers applied in order; parameters are named by index ("0.weight").
public final class Sequential: Layer {
    /// The layers in order.
    public var layers: [any Layer]

    /// A chain of the given layers.
    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    /// The layers applied in order; a Linear layer directly followed by a ReLU runs as one
    /// rectified-linear operation (same values and derivatives, fewer passes).
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        var h = x
        var i = 0
        while i < layers.count {
            if let linear = layers[i] as? Linear, i + 1 < layers.count, layers[i + 1] is ReLU {
                h = try linear.rectified(h)
                i += 2
            } else {
                h = try layers[i](h)
                i += 1
            }
        }
        return h
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var buffers: [Parameter] { layers.flatMap(\.buffers) }

    public var isTraining: Bool {
        get { layers.contains { $0.isTraining } }
        set { for layer in layers { layer.isTraining = newValue } }
    }

    public var summary: String {
        "Sequential(\n" + layers.enumerated().map { "  (\($0.offset)): \($0.element.summary)" }.joined(separator: "\n") + "\n)"
    }
}

/// max(x, 0).
public final class ReLU: Layer {
    /// A ReLU.
    public init() {}
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.relu() }
    public var summary: String { "ReLU()" }
}

/// x for x > 0, slope·x otherwise.
public final class LeakyReLU: Layer {
    /// The negative slope.
    public let slope: Float
    /// A leaky ReLU (PyTorch's default slope 0.01).
    public init(slope: Float = 0.01) { self.slope = slope }
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.leakyRelu(slope: slope) }
    public var summary: String { "LeakyReLU(negative_slope=\(slope))" }
}

/// 1 / (1 + e^−x).
public final class Sigmoid: Layer {
    /// A sigmoid.
    public init() {}
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.sigmoid() }
    public var summary: String { "Sigmoid()" }
}

/// tanh x.
public final class Tanh: Layer {
    /// A tanh.
    public init() {}
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.tanh() }
    public var summary: String { "Tanh()" }
}

/// Softmax over the last axis.
public final class SoftmaxLayer: Layer {
    /// A softmax.
    public init() {}
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.softmax() }
    public var summary: String { "Softmax(dim=-1)" }
}

/// Reshapes each sample (PyTorch's Unflatten / view), keeping the batch axis.
public final class Reshape: Layer {
    /// The shape of one sample after the layer.
    public let sampleShape: [Int]
    /// A reshape to `sampleShape` per sample.
    public init(_ sampleShape: [Int]) { self.sampleShape = sampleShape }
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.reshaped(toSample: sampleShape) }
    public var summary: String { "Unflatten(\(sampleShape))" }
}

/// Flattens each sample to a vector, in (C, H, W) order.
public final class Flatten: Layer {
    /// A flatten.
    public init() {}
    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable { try x.flattened() }
    public var summary: String { "Flatten(start_dim=1, end_dim=-1)" }
}

extension LayerSpec {
    /// The layer with fresh weights for samples of shape `input`, drawn from `generator` in
    /// PyTorch's order (each layer's weight, then its bias; a Sequential's layers in order).
    /// The shapes must already have been checked with `outputShape(for:…)`.
    public func makeLayer(input: [Int], generator g: inout RandomGenerator) throws(EngineError) -> any Layer {
        switch self {
        case let .sequential(specs):
            var layers: [any Layer] = []
            var shape = input
            for spec in specs {
                layers.append(try spec.makeLayer(input: shape, generator: &g))
                shape = try spec.shape(after: shape)
            }
            return Sequential(layers)
        case let .linear(i, o, bias):
            return try Linear(i, o, bias: bias, generator: &g)
        case let .conv2d(c):
            return try Conv2d(c.inChannels, c.outChannels, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                              bias: c.bias, generator: &g)
        case let .convTranspose2d(c):
            return try ConvTranspose2d(c.inChannels, c.outChannels, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                                       outputPadding: c.outputPadding, bias: c.bias, generator: &g)
        case let .locallyConnected2d(c):
            return try LocallyConnected2d(c.inChannels, c.outChannels, inputSize: try Self.plane(input), kernelSize: c.kernel,
                                          stride: c.stride, padding: c.padding, bias: c.bias, generator: &g)
        case let .locallyConnectedTranspose2d(c):
            return try LocallyConnectedTranspose2d(c.inChannels, c.outChannels, inputSize: try Self.plane(input), kernelSize: c.kernel,
                                                   stride: c.stride, padding: c.padding, bias: c.bias, generator: &g)
        case let .batchNorm(f):
            return try BatchNorm(f, rank: input.count == 1 ? 2 : 4)
        case .relu: return ReLU()
        case let .leakyRelu(slope): return LeakyReLU(slope: Float(slope))
        case .sigmoid: return Sigmoid()
        case .tanh: return Tanh()
        case .flatten: return Flatten()
        case let .reshape(shape): return Reshape(shape)
        case let .secondOrder(i, o):
            return try SecondOrder(i, o, generator: &g)
        case let .linearMixture(i, o, k, sigma):
            return try LinearMixture(i, o, components: k, sigma: Float(sigma), generator: &g)
        }
    }

    /// The per-sample output shape (checked shapes only; a mismatch is an engine error).
    func shape(after input: [Int]) throws(EngineError) -> [Int] {
        do {
            return try outputShape(for: input, part: .encoder, path: "", source: "the input").shape
        } catch {
            throw .invalidArgument(error.message)
        }
    }

    private static func plane(_ shape: [Int]) throws(EngineError) -> (height: Int, width: Int) {
        guard shape.count == 3 else { throw .invalidArgument("a locally connected layer needs samples [C, H, W], got \(shape)") }
        return (shape[1], shape[2])
    }
}

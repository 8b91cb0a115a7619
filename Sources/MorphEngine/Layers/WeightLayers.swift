/// A fully connected layer, y = x·Wᵀ + b, weight [out, in] as in PyTorch.
public final class Linear: Layer {
    /// The weight, shape [out, in].
    public let weight: Parameter
    /// The bias, shape [out], if any.
    public let bias: Parameter?

    /// A layer with PyTorch's default initialisation from `generator`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                generator: inout RandomGenerator) throws(EngineError) {
        weight = Parameter("weight", try pytorchUniform([outFeatures, inFeatures], fanIn: inFeatures, generator: &generator))
        self.bias = bias ? Parameter("bias", try pytorchUniform([outFeatures], fanIn: inFeatures, generator: &generator)) : nil
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        try linear(x, weight: x.use(weight), bias: bias.map { x.use($0) }, transposedWeight: transposedWeight(for: x))
    }

    /// relu(self(x)), in one operation.
    public func rectified(_ x: Variable) throws(EngineError) -> Variable {
        try rectifiedLinear(x, weight: x.use(weight), bias: bias.map { x.use($0) }, transposedWeight: transposedWeight(for: x))
    }

    /// Wᵀ, kept by the weight, when x carries tangents (forward-mode products use it).
    private func transposedWeight(for x: Variable) throws(EngineError) -> Tensor? {
        x.tangent == nil ? nil : try weight.transposedValue()
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summary: String {
        "Linear(in_features=\(weight.value.shape[1]), out_features=\(weight.value.shape[0]), bias=\(bias != nil ? "True" : "False"))"
    }
}

/// A 2-D convolution, weight [out, in, kh, kw] as in PyTorch.
public final class Conv2d: Layer {
    /// The weight, shape [out, in, kh, kw].
    public let weight: Parameter
    /// The bias, shape [out].
    public let bias: Parameter?
    /// Stride and zero padding.
    public let stride: Int, padding: Int

    /// A layer with PyTorch's default initialisation from `generator`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, generator: inout RandomGenerator) throws(EngineError) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter("weight", try pytorchUniform([outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator))
        self.bias = bias ? Parameter("bias", try pytorchUniform([outChannels], fanIn: fanIn, generator: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        try conv2d(x, weight: x.use(weight), bias: bias.map { x.use($0) }, stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summary: String {
        let s = weight.value.shape
        return "Conv2d(\(s[1]), \(s[0]), kernel_size=(\(s[2]), \(s[3])), stride=(\(stride), \(stride)), padding=(\(padding), \(padding)))"
    }
}

/// A transposed 2-D convolution, weight [in, out, kh, kw] as in PyTorch.
public final class ConvTranspose2d: Layer {
    /// The weight, shape [in, out, kh, kw].
    public let weight: Parameter
    /// The bias, shape [out].
    public let bias: Parameter?
    /// Stride, padding and the rows and columns added at the bottom and right of the output.
    public let stride: Int, padding: Int, outputPadding: Int

    /// A layer with PyTorch's default initialisation (fan-in = out·kh·kw, as PyTorch computes it).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, generator: inout RandomGenerator) throws(EngineError) {
        self.outputPadding = outputPadding
        let fanIn = outChannels * kernelSize * kernelSize
        weight = Parameter("weight", try pytorchUniform([inChannels, outChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator))
        self.bias = bias ? Parameter("bias", try pytorchUniform([outChannels], fanIn: fanIn, generator: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        try convTranspose2d(x, weight: x.use(weight), bias: bias.map { x.use($0) }, stride: stride, padding: padding,
                            outputPadding: outputPadding)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summary: String {
        let s = weight.value.shape
        return "ConvTranspose2d(\(s[0]), \(s[1]), kernel_size=(\(s[2]), \(s[3])), stride=(\(stride), \(stride)), padding=(\(padding), \(padding))"
            + (outputPadding == 0 ? ")" : ", output_padding=(\(outputPadding), \(outputPadding)))")
    }
}

/// A locally connected 2-D layer: a convolution without weight sharing; weight
/// [OH, OW, out, in, kh, kw], bias per output location [out, OH, OW].
public final class LocallyConnected2d: Layer {
    /// The weight, shape [OH, OW, out, in, kh, kw].
    public let weight: Parameter
    /// The bias, shape [out, OH, OW].
    public let bias: Parameter?
    /// Stride and zero padding.
    public let stride: Int, padding: Int

    /// A layer for inputs of `inputSize` (height, width), initialised like Conv2d.
    public init(_ inChannels: Int, _ outChannels: Int, inputSize: (height: Int, width: Int), kernelSize: Int,
                stride: Int = 1, padding: Int = 0, bias: Bool = true,
                generator: inout RandomGenerator) throws(EngineError) {
        let oh = (inputSize.height + 2 * padding - kernelSize) / stride + 1
        let ow = (inputSize.width + 2 * padding - kernelSize) / stride + 1
        guard oh > 0, ow > 0 else { throw .invalidArgument("LocallyConnected2d: kernel \(kernelSize) does not fit \(inputSize)") }
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter("weight", try pytorchUniform([oh, ow, outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator))
        self.bias = bias ? Parameter("bias", try pytorchUniform([outChannels, oh, ow], fanIn: fanIn, generator: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        try locallyConnected2d(x, weight: x.use(weight), bias: bias.map { x.use($0) }, stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summary: String {
        let s = weight.value.shape
        return "LocallyConnected2d(\(s[3]), \(s[2]), kernel_size=(\(s[4]), \(s[5])), stride=(\(stride), \(stride)), padding=(\(padding), \(padding)), output=(\(s[0]), \(s[1])))"
    }
}

/// A transposed locally connected 2-D layer: weight [H, W, in, out, kh, kw] (one kernel per
/// input location), bias per output location [out, OH, OW].
public final class LocallyConnectedTranspose2d: Layer {
    /// The weight, shape [H, W, in, out, kh, kw].
    public let weight: Parameter
    /// The bias, shape [out, OH, OW].
    public let bias: Parameter?
    /// Stride and padding.
    public let stride: Int, padding: Int

    /// A layer for inputs of `inputSize` (height, width), initialised like ConvTranspose2d.
    public init(_ inChannels: Int, _ outChannels: Int, inputSize: (height: Int, width: Int), kernelSize: Int,
                stride: Int = 1, padding: Int = 0, bias: Bool = true,
                generator: inout RandomGenerator) throws(EngineError) {
        let oh = (inputSize.height - 1) * stride - 2 * padding + kernelSize
        let ow = (inputSize.width - 1) * stride - 2 * padding + kernelSize
        guard oh > 0, ow > 0 else { throw .invalidArgument("LocallyConnectedTranspose2d: no output for \(inputSize)") }
        let fanIn = outChannels * kernelSize * kernelSize
        weight = Parameter("weight", try pytorchUniform([inputSize.height, inputSize.width, inChannels, outChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator))
        self.bias = bias ? Parameter("bias", try pytorchUniform([outChannels, oh, ow], fanIn: fanIn, generator: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        try locallyConnectedTranspose2d(x, weight: x.use(weight), bias: bias.map { x.use($0) }, stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summary: String {
        let s = weight.value.shape
        return "LocallyConnectedTranspose2d(\(s[2]), \(s[3]), kernel_size=(\(s[4]), \(s[5])), stride=(\(stride), \(stride)), padding=(\(padding), \(padding)), input=(\(s[0]), \(s[1])))"
    }
}

extension Variable {
    /// max(x, 0) elementwise.
    public func relu() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .relu), [self]) }
    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(slope: Float = 0.01) throws(EngineError) -> Variable {
        try Variable.apply(Unary(kind: .leakyRelu(slope)), [self])
    }
    /// 1 / (1 + e^−x) elementwise.
    public func sigmoid() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .sigmoid), [self]) }
    /// tanh(x) elementwise.
    public func tanh() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .tanh), [self]) }
    /// eˣ elementwise.
    public func exp() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .exp), [self]) }
    /// ln x elementwise.
    public func log() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .log), [self]) }
    /// x² elementwise.
    public func squared() throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .square), [self]) }
    /// c·x.
    public func scaled(by c: Float) throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .scale(c)), [self]) }
    /// x + c.
    public func shifted(by c: Float) throws(EngineError) -> Variable { try Variable.apply(Unary(kind: .shift(c)), [self]) }
    /// Softmax over the last axis.
    public func softmax() throws(EngineError) -> Variable { try Variable.apply(SoftmaxOp(), [self]) }
    /// The sum of all elements (rank 0).
    public func sum() throws(EngineError) -> Variable { try Variable.apply(SumAll(), [self]) }
    /// The mean of all elements (rank 0).
    public func mean() throws(EngineError) -> Variable { try sum().scaled(by: 1 / Float(max(1, value.count))) }
    /// The sum over each sample's elements: [N, …] → [N].
    public func sumPerSample() throws(EngineError) -> Variable { try Variable.apply(SumPerSample(), [self]) }
    /// Each sample reshaped: [N, a…] → [N, sampleShape…].
    public func reshaped(toSample sampleShape: [Int]) throws(EngineError) -> Variable {
        try Variable.apply(ReshapeOp(sampleShape: sampleShape), [self])
    }
    /// Each sample flattened: [N, …] → [N, F].
    public func flattened() throws(EngineError) -> Variable { try reshaped(toSample: [value.sampleSize]) }
    /// Columns `range` of a matrix [N, F].
    public func columns(_ range: Range<Int>) throws(EngineError) -> Variable {
        try Variable.apply(Columns(range: range), [self])
    }
    /// The samples at `indices` (axis 0), in that order.
    public func samples(at indices: [Int]) throws(EngineError) -> Variable {
        try Variable.apply(GatherSamples(indices: indices), [self])
    }

    /// Elementwise sum; `b` may broadcast over the batch.
    public static func + (a: Variable, b: Variable) throws(EngineError) -> Variable {
        try apply(Binary(kind: .add), [a, b])
    }
    /// Elementwise difference; `b` may broadcast over the batch.
    public static func - (a: Variable, b: Variable) throws(EngineError) -> Variable {
        try apply(Binary(kind: .subtract), [a, b])
    }
    /// Elementwise product; `b` may broadcast over the batch.
    public static func * (a: Variable, b: Variable) throws(EngineError) -> Variable {
        try apply(Binary(kind: .multiply), [a, b])
    }

    /// The same value without tangents or tape (a constant: gradients stop here).
    public var detached: Variable { Variable(value) }
}

/// x·Wᵀ + b, x [N, in], W [out, in], b [out].
public func linear(_ x: Variable, weight: Variable, bias: Variable?) throws(EngineError) -> Variable {
    try linear(x, weight: weight, bias: bias, transposedWeight: nil)
}

/// x·Wᵀ + b with Wᵀ [in, out] supplied by the caller for forward-mode products.
func linear(_ x: Variable, weight: Variable, bias: Variable?, transposedWeight: Tensor?) throws(EngineError) -> Variable {
    try Variable.apply(LinearOp(transposedWeight: transposedWeight), bias.map { [x, weight, $0] } ?? [x, weight])
}

/// relu(x·Wᵀ + b) as one operation (its forward mode skips the units the ReLU drops).
public func rectifiedLinear(_ x: Variable, weight: Variable, bias: Variable?) throws(EngineError) -> Variable {
    try rectifiedLinear(x, weight: weight, bias: bias, transposedWeight: nil)
}

/// relu(x·Wᵀ + b) with Wᵀ [in, out] supplied by the caller for forward-mode products.
func rectifiedLinear(_ x: Variable, weight: Variable, bias: Variable?,
                     transposedWeight: Tensor?) throws(EngineError) -> Variable {
    try Variable.apply(RectifiedLinearOp(transposedWeight: transposedWeight), bias.map { [x, weight, $0] } ?? [x, weight])
}

/// 2-D convolution (NCHW; W [O, C, kh, kw]).
public func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                   padding: Int = 0) throws(EngineError) -> Variable {
    try Variable.apply(Conv2dOp(stride: stride, padding: padding), bias.map { [x, weight, $0] } ?? [x, weight])
}

/// Transposed 2-D convolution (NCHW; W [Cin, Cout, kh, kw]).
public func convTranspose2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                            padding: Int = 0, outputPadding: Int = 0) throws(EngineError) -> Variable {
    try Variable.apply(ConvTranspose2dOp(stride: stride, padding: padding, outputPadding: outputPadding),
                       bias.map { [x, weight, $0] } ?? [x, weight])
}

/// Locally connected 2-D map (NCHW; W [OH, OW, O, C, kh, kw], b [O, OH, OW]).
public func locallyConnected2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                               padding: Int = 0) throws(EngineError) -> Variable {
    try Variable.apply(LocallyConnected2dOp(stride: stride, padding: padding), bias.map { [x, weight, $0] } ?? [x, weight])
}

/// Transposed locally connected 2-D map (NCHW; W [H, W, Cin, Cout, kh, kw], b [Cout, OH, OW]).
public func locallyConnectedTranspose2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                                        padding: Int = 0) throws(EngineError) -> Variable {
    try Variable.apply(LocallyConnectedTranspose2dOp(stride: stride, padding: padding), bias.map { [x, weight, $0] } ?? [x, weight])
}

/// Batch normalisation with the batch's statistics (training mode).
public func batchNormTraining(_ x: Variable, weight: Variable, bias: Variable,
                              epsilon: Float = 1e-5) throws(EngineError) -> Variable {
    try Variable.apply(BatchNormTrainOp(epsilon: epsilon), [x, weight, bias])
}

/// Batch normalisation with running statistics (evaluation mode).
public func batchNormInference(_ x: Variable, weight: Variable, bias: Variable, runningMean: Tensor,
                               runningVariance: Tensor, epsilon: Float = 1e-5) throws(EngineError) -> Variable {
    try Variable.apply(BatchNormEvalOp(epsilon: epsilon, runningMean: runningMean, runningVariance: runningVariance),
                       [x, weight, bias])
}

/// Each sample's outer product with itself: [N, E] → [N, E·E].
public func outerSelf(_ z: Variable) throws(EngineError) -> Variable { try Variable.apply(OuterSelf(), [z]) }

/// ‖zₙ − c_k‖² for points [N, E] and centres [K, E].
public func squaredDistances(_ z: Variable, centres: Variable) throws(EngineError) -> Variable {
    try Variable.apply(SquaredDistancesOp(), [z, centres])
}

/// W_k (zₙ − c_k) + m_k for all k: [N, K·D].
public func mixtureLinearMaps(_ z: Variable, maps: Variable, centres: Variable,
                              offsets: Variable) throws(EngineError) -> Variable {
    try Variable.apply(MixtureLinearOp(), [z, maps, centres, offsets])
}

/// Σ_k πₙₖ Yₙₖ for weights [N, K] and maps [N, K·D].
public func mixtureCombine(weights: Variable, maps: Variable) throws(EngineError) -> Variable {
    try Variable.apply(MixtureCombineOp(), [weights, maps])
}

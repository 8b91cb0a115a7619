/// Batch normalisation over channels (axis 1) of [N, C] or [N, C, H, W] inputs, with
/// PyTorch's defaults (ε = 1e-5, momentum 0.1, unbiased running variance).
public final class BatchNorm: Layer {
    /// Scale γ [C] and shift β [C].
    public let weight: Parameter, bias: Parameter
    /// Running statistics [C] and the batch counter (PyTorch's num_batches_tracked).
    public let runningMean: Parameter, runningVariance: Parameter, batchesTracked: Parameter
    /// Numerical guard and running-average momentum.
    public let epsilon: Float, momentum: Float
    /// Whether batch statistics are used (and running statistics updated).
    public var isTraining = true
    private let expectedRank: Int?

    /// A batch norm for `features` channels; `rank` 2 (1d) or 4 (2d) restricts the input.
    public init(_ features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1, rank: Int? = nil) throws(EngineError) {
        weight = Parameter("weight", try Tensor.ones([features]))
        bias = Parameter("bias", try Tensor.zeros([features]))
        runningMean = Parameter("running_mean", try Tensor.zeros([features]))
        runningVariance = Parameter("running_var", try Tensor.ones([features]))
        batchesTracked = Parameter("num_batches_tracked", Tensor(0))
        self.epsilon = epsilon
        self.momentum = momentum
        expectedRank = rank
    }

    public func callAsFunction(_ x: Variable) throws(EngineError) -> Variable {
        if let expectedRank, x.value.rank != expectedRank {
            throw .invalidArgument("BatchNorm\(expectedRank == 2 ? "1d" : "2d") expects rank \(expectedRank) input, got \(x.value.shape)")
        }
        guard x.value.rank >= 2, x.value.shape[1] == weight.value.count else {
            throw .shapeMismatch(operation: "batch norm (input [N, C, …], weight [C])", lhs: x.value.shape, rhs: weight.value.shape)
        }
        if isTraining {
            let stats = try ChannelStatistics(x.value)
            let m = Float(x.value.count / stats.channels)
            let unbiased = m > 1 ? m / (m - 1) : 1
            var mean = runningMean.value.scalars, variance = runningVariance.value.scalars
            for c in 0..<stats.channels {
                mean[c] = (1 - momentum) * mean[c] + momentum * stats.mean[c]
                variance[c] = (1 - momentum) * variance[c] + momentum * stats.variance[c] * unbiased
            }
            runningMean.value = Tensor(unchecked: runningMean.value.shape, scalars: mean)
            runningVariance.value = Tensor(unchecked: runningVariance.value.shape, scalars: variance)
            batchesTracked.value = Tensor((batchesTracked.value.scalar ?? 0) + 1)
            return try batchNormTraining(x, weight: x.use(weight), bias: x.use(bias), epsilon: epsilon)
        }
        return try batchNormInference(x, weight: x.use(weight), bias: x.use(bias), runningMean: runningMean.value,
                                      runningVariance: runningVariance.value, epsilon: epsilon)
    }

    public var parameters: [Parameter] { [weight, bias] }
    public var buffers: [Parameter] { [runningMean, runningVariance, batchesTracked] }

    public var summary: String {
        "BatchNorm\(expectedRank == 4 ? "2d" : "1d")(\(weight.value.count), eps=\(epsilon), momentum=\(momentum))"
    }
}

/// Batch normalisation of [N, C] inputs.
public func BatchNorm1d(_ features: Int) throws(EngineError) -> BatchNorm { try BatchNorm(features, rank: 2) }
/// Batch normalisation of [N, C, H, W] inputs.
public func BatchNorm2d(_ features: Int) throws(EngineError) -> BatchNorm { try BatchNorm(features, rank: 4) }

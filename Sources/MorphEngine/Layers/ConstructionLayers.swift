/// Construction 1's second-order decoder: r_d(z) = b_d + A_d z + ½ zᵀ W_d z, so that
/// dr/dz = A + W̃ z with W̃_d = ½(W_d + W_dᵀ) symmetric (the article's W z, plus A so the
/// Jacobian does not vanish at z = 0). O(D E²) parameters.
public final class SecondOrder: Layer {
    /// A [D, E].
    public let weight: Parameter
    /// b [D].
    public let bias: Parameter
    /// W [D, E·E] (row d is W_d flattened).
    public let quadratic: Parameter

    /// A layer from E inputs to D outputs; A and b as PyTorch initialises a Linear, W small
    /// (U(−0.1/E, 0.1/E)), so r starts nearly linear.
    public init(_ inputs: Int, _ outputs: Int, generator g: inout RandomGenerator) throws(EngineError) {
        weight = Parameter("weight", try pytorchUniform([outputs, inputs], fanIn: inputs, generator: &g))
        bias = Parameter("bias", try pytorchUniform([outputs], fanIn: inputs, generator: &g))
        let bound = 0.1 / Float(max(1, inputs))
        quadratic = Parameter("quadratic", try Tensor.randomUniform([outputs, inputs * inputs], low: -bound, high: bound, generator: &g))
    }

    public func callAsFunction(_ z: Variable) throws(EngineError) -> Variable {
        let square = try linear(outerSelf(z), weight: z.use(quadratic), bias: nil).scaled(by: 0.5)
        return try linear(z, weight: z.use(weight), bias: z.use(bias)) + square
    }

    public var parameters: [Parameter] { [weight, bias, quadratic] }

    public var summary: String { "SecondOrder(in_features=\(weight.value.shape[1]), out_features=\(weight.value.shape[0]))" }

    /// The closed-form Jacobian A + W̃ z at each point of z [N, E], as [N, D, E].
    public func analyticJacobian(at z: Tensor) throws(EngineError) -> Tensor {
        let d = weight.value.shape[0], e = weight.value.shape[1], n = z.batchSize
        guard z.shape == [n, e] else { throw .shapeMismatch(operation: "SecondOrder Jacobian (latent [N, E])", lhs: z.shape, rhs: [e]) }
        let a = weight.value.scalars, w = quadratic.value.scalars
        var out = [Float](repeating: 0, count: try Tensor.elementCount(of: [n, d, e]))
        for s in 0..<n { for r in 0..<d { for i in 0..<e {
            var v = a[r * e + i]
            for j in 0..<e { v += 0.5 * (w[(r * e + i) * e + j] + w[(r * e + j) * e + i]) * z.scalars[s * e + j] }
            out[(s * d + r) * e + i] = v
        } } }
        return Tensor(unchecked: [n, d, e], scalars: out)
    }
}

/// Construction 2's locally linear decoder: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k),
/// π = softmax_k(−‖z − c_k‖² / (2σ²)).
public final class LinearMixture: Layer {
    /// Local maps W [K, D, E], centres c [K, E], offsets m [K, D].
    public let maps: Parameter, centres: Parameter, offsets: Parameter
    /// The softmax width σ.
    public let sigma: Float

    /// A layer from E inputs to D outputs with `components` local maps: W as PyTorch initialises a
    /// Linear's weight, c ~ N(0, 1), m ~ U(0, 0.5).
    public init(_ inputs: Int, _ outputs: Int, components: Int, sigma: Float,
                generator g: inout RandomGenerator) throws(EngineError) {
        guard components > 0, sigma > 0, sigma.isFinite else {
            throw .invalidArgument("LinearMixture needs components > 0 and a positive sigma (got \(components), \(sigma))")
        }
        maps = Parameter("maps", try pytorchUniform([components, outputs, inputs], fanIn: inputs, generator: &g))
        centres = Parameter("centres", try Tensor.randomNormal([components, inputs], generator: &g))
        offsets = Parameter("offsets", try Tensor.randomUniform([components, outputs], low: 0, high: 0.5, generator: &g))
        self.sigma = sigma
    }

    /// The mixture weights π(z), [N, K].
    public func weights(_ z: Variable) throws(EngineError) -> Variable {
        try squaredDistances(z, centres: z.use(centres)).scaled(by: -1 / (2 * sigma * sigma)).softmax()
    }

    public func callAsFunction(_ z: Variable) throws(EngineError) -> Variable {
        let y = try mixtureLinearMaps(z, maps: z.use(maps), centres: z.use(centres), offsets: z.use(offsets))
        return try mixtureCombine(weights: weights(z), maps: y)
    }

    public var parameters: [Parameter] { [maps, centres, offsets] }

    public var summary: String {
        let s = maps.value.shape
        return "LinearMixture(in_features=\(s[2]), out_features=\(s[1]), components=\(s[0]), sigma=\(sigma))"
    }

    /// The exact Jacobian Σ_k π_k W_k + Σ_k (W_k (z − c_k) + m_k) ∇π_kᵀ with
    /// ∇π_k = −(π_k/σ²)((z − c_k) − Σ_j π_j (z − c_j)), at each point of z [N, E], as [N, D, E].
    public func analyticJacobian(at z: Tensor) throws(EngineError) -> Tensor {
        let kc = maps.value.shape[0], d = maps.value.shape[1], e = maps.value.shape[2], n = z.batchSize
        guard z.shape == [n, e] else { throw .shapeMismatch(operation: "LinearMixture Jacobian (latent [N, E])", lhs: z.shape, rhs: [e]) }
        let pi = try weights(Variable(z)).value.scalars
        let w = maps.value.scalars, c = centres.value.scalars, m = offsets.value.scalars
        var out = [Float](repeating: 0, count: try Tensor.elementCount(of: [n, d, e]))
        for s in 0..<n {
            var mean = [Float](repeating: 0, count: e)
            for k in 0..<kc { for i in 0..<e { mean[i] += pi[s * kc + k] * (z.scalars[s * e + i] - c[k * e + i]) } }
            for k in 0..<kc {
                let p = pi[s * kc + k]
                let grad = (0..<e).map { i in -(p / (sigma * sigma)) * ((z.scalars[s * e + i] - c[k * e + i]) - mean[i]) }
                for r in 0..<d {
                    var y = m[k * d + r]
                    for i in 0..<e { y += w[(k * d + r) * e + i] * (z.scalars[s * e + i] - c[k * e + i]) }
                    for i in 0..<e { out[(s * d + r) * e + i] += p * w[(k * d + r) * e + i] + y * grad[i] }
                }
            }
        }
        return Tensor(unchecked: [n, d, e], scalars: out)
    }

    /// The article's approximation of the Jacobian, Σ_k π_k(z) W_k (exact as σ → 0), at each
    /// point of z [N, E], as [N, D, E].
    public func approximateJacobian(at z: Tensor) throws(EngineError) -> Tensor {
        let kc = maps.value.shape[0], d = maps.value.shape[1], e = maps.value.shape[2], n = z.batchSize
        guard z.shape == [n, e] else { throw .shapeMismatch(operation: "LinearMixture Jacobian (latent [N, E])", lhs: z.shape, rhs: [e]) }
        let pi = try weights(Variable(z)).value.scalars
        let w = maps.value.scalars
        var out = [Float](repeating: 0, count: try Tensor.elementCount(of: [n, d, e]))
        for s in 0..<n { for k in 0..<kc {
            let p = pi[s * kc + k]
            for j in 0..<(d * e) { out[s * d * e + j] += p * w[k * d * e + j] }
        } }
        return Tensor(unchecked: [n, d, e], scalars: out)
    }
}

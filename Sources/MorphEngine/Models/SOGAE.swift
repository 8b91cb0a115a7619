/// The second-order decoder of construction 1: r_d(z) = b_d + A_d z + ½ zᵀ W_d z, so that
/// dr/dz = A + W̃ z with W̃_d = ½(W_d + W_dᵀ) symmetric (the article's W z, plus A so the
/// Jacobian does not vanish at z = 0). O(D E²) parameters.
public final class SOGAE: DecoderModel {
    /// A [D, E] with bias b [D].
    public let linearPart: Linear
    /// W [D, E·E] (row d is W_d flattened).
    public let quadraticPart: Parameter

    /// A model initialised from `seed` (W starts small, so r starts nearly linear).
    public init(latent: Int = 16, dataSize: Int = 784, amortised: Bool = true,
                inference: GradientFlow = GradientFlow(), seed: UInt64 = 0) throws(EngineError) {
        var g = RandomGenerator(seed: seed)
        linearPart = try Linear(latent, dataSize, generator: &g)
        let bound = 0.1 / Float(latent)
        quadraticPart = Parameter("weight", try Tensor.randomUniform([dataSize, latent * latent], low: -bound, high: bound, generator: &g))
        try super.init(name: "SOGAE", latentSize: latent, dataSize: dataSize, amortised: amortised,
                       inference: inference, generator: &g)
    }

    public override func decode(_ z: Variable) throws(EngineError) -> Variable {
        guard z.value.rank == 2, z.value.shape[1] == latentSize else {
            throw .shapeMismatch(operation: "SOGAE.decode (latent [N, \(latentSize)])", lhs: z.value.shape, rhs: [latentSize])
        }
        let quadratic = try linear(outerSelf(z), weight: z.use(quadraticPart), bias: nil).scaled(by: 0.5)
        return try linearPart(z) + quadratic
    }

    /// The closed-form Jacobian A + W̃ z at each point, [N, D, E].
    public func analyticJacobian(at z: Tensor) throws(EngineError) -> Tensor {
        let n = z.batchSize, e = latentSize, d = dataSize
        guard z.shape == [n, e] else { throw .shapeMismatch(operation: "SOGAE Jacobian (latent [N, E])", lhs: z.shape, rhs: [e]) }
        let a = linearPart.weight.value.scalars, w = quadraticPart.value.scalars
        var out = [Float](repeating: 0, count: n * d * e)
        for s in 0..<n { for r in 0..<d { for i in 0..<e {
            var v = a[r * e + i]
            for j in 0..<e { v += 0.5 * (w[(r * e + i) * e + j] + w[(r * e + j) * e + i]) * z.scalars[s * e + j] }
            out[(s * d + r) * e + i] = v
        } } }
        return Tensor(unchecked: [n, d, e], scalars: out)
    }

    public override var decoderEntries: [(name: String, tensor: Parameter)] {
        [("dec.linear.weight", linearPart.weight)] + (linearPart.bias.map { [("dec.linear.bias", $0)] } ?? [])
            + [("dec.quadratic.weight", quadraticPart)]
    }
}

/// The locally linear decoder of construction 2: r(z) = Σ_k π_k(z) (W_k (z − c_k) + m_k),
/// π = softmax_k(−‖z − c_k‖² / (2σ²)).
public final class MixtureDecoder: DecoderModel {
    /// Local maps W [K, D, E], centres c [K, E], offsets m [K, D].
    public let maps: Parameter, centres: Parameter, offsets: Parameter
    /// The softmax width σ.
    public let sigma: Float

    /// A model with `components` local maps, initialised from `seed`.
    public init(latent: Int = 16, components: Int = 16, sigma: Float = 1, dataSize: Int = 784,
                amortised: Bool = true, inference: GradientFlow = GradientFlow(), seed: UInt64 = 0) throws(EngineError) {
        guard components > 0, sigma > 0 else {
            throw .invalidArgument("MixtureDecoder needs components > 0 and sigma > 0 (got \(components), \(sigma))")
        }
        var g = RandomGenerator(seed: seed)
        maps = Parameter("maps", try pytorchUniform([components, dataSize, latent], fanIn: latent, generator: &g))
        centres = Parameter("centres", try Tensor.randomNormal([components, latent], generator: &g))
        offsets = Parameter("offsets", try Tensor.randomUniform([components, dataSize], low: 0, high: 0.5, generator: &g))
        self.sigma = sigma
        try super.init(name: "MixtureDecoder", latentSize: latent, dataSize: dataSize, amortised: amortised,
                       inference: inference, generator: &g)
    }

    /// The mixture weights π(z), [N, K].
    public func weights(_ z: Variable) throws(EngineError) -> Variable {
        try squaredDistances(z, centres: z.use(centres)).scaled(by: -1 / (2 * sigma * sigma)).softmax()
    }

    public override func decode(_ z: Variable) throws(EngineError) -> Variable {
        guard z.value.rank == 2, z.value.shape[1] == latentSize else {
            throw .shapeMismatch(operation: "MixtureDecoder.decode (latent [N, \(latentSize)])", lhs: z.value.shape, rhs: [latentSize])
        }
        let y = try mixtureLinearMaps(z, maps: z.use(maps), centres: z.use(centres), offsets: z.use(offsets))
        return try mixtureCombine(weights: weights(z), maps: y)
    }

    /// The exact Jacobian Σ_k π_k W_k + Σ_k (W_k (z − c_k) + m_k) ∇π_kᵀ with
    /// ∇π_k = −(π_k/σ²)((z − c_k) − Σ_j π_j (z − c_j)), [N, D, E].
    public func analyticJacobian(at z: Tensor) throws(EngineError) -> Tensor {
        let n = z.batchSize, e = latentSize, d = dataSize, kc = centres.value.shape[0]
        guard z.shape == [n, e] else { throw .shapeMismatch(operation: "MixtureDecoder Jacobian (latent [N, E])", lhs: z.shape, rhs: [e]) }
        let pi = try weights(Variable(z)).value.scalars
        let w = maps.value.scalars, c = centres.value.scalars, m = offsets.value.scalars
        var out = [Float](repeating: 0, count: n * d * e)
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

    public override var decoderEntries: [(name: String, tensor: Parameter)] {
        [("dec.maps", maps), ("dec.centres", centres), ("dec.offsets", offsets)]
    }
}

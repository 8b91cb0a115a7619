/// Per-channel statistics of x viewed as [N, C, S] (S = 1 for [N, C]).
struct ChannelStatistics {
    let channels: Int, spatial: Int
    var mean: [Float], variance: [Float]

    init(_ x: Tensor) throws(EngineError) {
        guard x.rank == 2 || x.rank == 4 else {
            throw .invalidArgument("batch norm needs [N, C] or [N, C, H, W], got \(x.shape)")
        }
        channels = x.shape[1]
        spatial = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
        let n = x.shape[0], m = Double(n * spatial)
        var mean = [Float](repeating: 0, count: channels), variance = mean
        for c in 0..<channels {
            var s = 0.0, ss = 0.0
            for i in 0..<n { for j in 0..<spatial {
                let v = Double(x.scalars[(i * channels + c) * spatial + j]); s += v; ss += v * v
            } }
            let mu = s / m
            mean[c] = Float(mu)
            variance[c] = Float(max(0, ss / m - mu * mu))
        }
        self.mean = mean
        self.variance = variance
    }
}

/// Batch normalisation with statistics of the batch (training mode):
/// y = γ x̂ + β, x̂ = (x − μ_B)/√(σ²_B + ε), per channel over N (and H, W).
/// VJP: x̄ = (γ s / M)(M ȳ − Σ ȳ − x̂ Σ ȳ x̂), γ̄ = Σ ȳ x̂, β̄ = Σ ȳ.
/// JVP: ẏ = γ s (ẋ − mean ẋ − x̂ mean(x̂ ẋ)), means per tangent over the batch.
struct BatchNormTrainOp: Primitive {
    let epsilon: Float
    var name: String { "batch_norm (train)" }

    func normalised(_ x: Tensor) throws(EngineError) -> (xhat: Tensor, invstd: [Float], stats: ChannelStatistics) {
        let st = try ChannelStatistics(x)
        let invstd = st.variance.map { 1 / ($0 + epsilon).squareRoot() }
        var out = x.scalars
        let c = st.channels, s = st.spatial
        for i in 0..<x.shape[0] { for ch in 0..<c { for j in 0..<s {
            let idx = (i * c + ch) * s + j
            out[idx] = (out[idx] - st.mean[ch]) * invstd[ch]
        } } }
        return (Tensor(unchecked: x.shape, scalars: out), invstd, st)
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        let (xhat, _, st) = try normalised(x[0])
        guard x[1].shape == [st.channels], x[2].shape == [st.channels] else {
            throw .shapeMismatch(operation: "batch_norm (input, weight [C])", lhs: x[0].shape, rhs: x[1].shape)
        }
        var out = xhat.scalars
        let c = st.channels, s = st.spatial
        for i in 0..<x[0].shape[0] { for ch in 0..<c { for j in 0..<s {
            let idx = (i * c + ch) * s + j
            out[idx] = out[idx] * x[1].scalars[ch] + x[2].scalars[ch]
        } } }
        return Tensor(unchecked: x[0].shape, scalars: out)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let (xhat, invstd, st) = try normalised(x[0])
        let n = x[0].shape[0], c = st.channels, s = st.spatial
        let m = Float(n * s)
        var sumG = [Float](repeating: 0, count: c), sumGX = sumG
        for i in 0..<n { for ch in 0..<c { for j in 0..<s {
            let idx = (i * c + ch) * s + j
            sumG[ch] += g.scalars[idx]; sumGX[ch] += g.scalars[idx] * xhat.scalars[idx]
        } } }
        var dx: Tensor?
        if needed[0] {
            var out = [Float](repeating: 0, count: x[0].count)
            for i in 0..<n { for ch in 0..<c { for j in 0..<s {
                let idx = (i * c + ch) * s + j
                out[idx] = x[1].scalars[ch] * invstd[ch] / m * (m * g.scalars[idx] - sumG[ch] - xhat.scalars[idx] * sumGX[ch])
            } } }
            dx = Tensor(unchecked: x[0].shape, scalars: out)
        }
        return [dx, needed[1] ? Tensor(unchecked: [c], scalars: sumGX) : nil,
                needed[2] ? Tensor(unchecked: [c], scalars: sumG) : nil]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        let (xhat, invstd, st) = try normalised(x[0])
        let n = x[0].shape[0], c = st.channels, s = st.spatial
        let m = Float(n * s)
        var meanT = [Float](repeating: 0, count: k * c), meanXT = meanT
        for i in 0..<n { for q in 0..<k { for ch in 0..<c { for j in 0..<s {
            let tv = t0.scalars[((i * k + q) * c + ch) * s + j]
            meanT[q * c + ch] += tv / m
            meanXT[q * c + ch] += tv * xhat.scalars[(i * c + ch) * s + j] / m
        } } } }
        var out = t0.scalars
        for i in 0..<n { for q in 0..<k { for ch in 0..<c { for j in 0..<s {
            let idx = ((i * k + q) * c + ch) * s + j
            let xh = xhat.scalars[(i * c + ch) * s + j]
            out[idx] = x[1].scalars[ch] * invstd[ch] * (out[idx] - meanT[q * c + ch] - xh * meanXT[q * c + ch])
        } } } }
        return Tensor(unchecked: t0.shape, scalars: out)
    }
}

/// Batch normalisation with running statistics (evaluation mode):
/// y = γ (x − μ)/√(σ² + ε) + β, an affine map per channel.
/// VJP: x̄ = ȳ γ s, γ̄ = Σ ȳ x̂, β̄ = Σ ȳ. JVP: ẏ = ẋ γ s.
struct BatchNormEvalOp: Primitive {
    let epsilon: Float
    let runningMean: Tensor, runningVariance: Tensor
    var name: String { "batch_norm (eval)" }

    func layout(_ x: Tensor) throws(EngineError) -> (c: Int, s: Int) {
        guard x.rank == 2 || x.rank == 4, runningMean.shape == [x.shape[1]] else {
            throw .shapeMismatch(operation: "batch_norm (input [N, C, …], running mean [C])", lhs: x.shape, rhs: runningMean.shape)
        }
        return (x.shape[1], x.rank == 4 ? x.shape[2] * x.shape[3] : 1)
    }

    /// Per-channel scale γ s and shift β − γ s μ.
    func affine(_ gamma: Tensor, _ beta: Tensor) -> (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: gamma.count), shift = scale
        for ch in 0..<gamma.count {
            let s = 1 / (runningVariance.scalars[ch] + epsilon).squareRoot()
            scale[ch] = gamma.scalars[ch] * s
            shift[ch] = beta.scalars[ch] - scale[ch] * runningMean.scalars[ch]
        }
        return (scale, shift)
    }

    static func perChannel(_ x: Tensor, c: Int, s: Int, _ f: (Int, Float) -> Float) -> Tensor {
        var out = x.scalars
        let rows = x.count / (c * s)
        for i in 0..<rows { for ch in 0..<c { for j in 0..<s {
            let idx = (i * c + ch) * s + j
            out[idx] = f(ch, out[idx])
        } } }
        return Tensor(unchecked: x.shape, scalars: out)
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        let (c, s) = try layout(x[0])
        guard x[1].shape == [c], x[2].shape == [c] else {
            throw .shapeMismatch(operation: "batch_norm (input, weight [C])", lhs: x[0].shape, rhs: x[1].shape)
        }
        let (scale, shift) = affine(x[1], x[2])
        return BatchNormEvalOp.perChannel(x[0], c: c, s: s) { ch, v in v * scale[ch] + shift[ch] }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let (c, s) = try layout(x[0])
        let (scale, _) = affine(x[1], x[2])
        let dx = needed[0] ? BatchNormEvalOp.perChannel(g, c: c, s: s) { ch, v in v * scale[ch] } : nil
        var dgamma = [Float](repeating: 0, count: c), dbeta = dgamma
        for i in 0..<x[0].shape[0] { for ch in 0..<c { for j in 0..<s {
            let idx = (i * c + ch) * s + j
            let xhat = (x[0].scalars[idx] - runningMean.scalars[ch]) / (runningVariance.scalars[ch] + epsilon).squareRoot()
            dgamma[ch] += g.scalars[idx] * xhat
            dbeta[ch] += g.scalars[idx]
        } } }
        return [dx, needed[1] ? Tensor(unchecked: [c], scalars: dgamma) : nil,
                needed[2] ? Tensor(unchecked: [c], scalars: dbeta) : nil]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        let (c, s) = try layout(x[0])
        let (scale, _) = affine(x[1], x[2])
        return BatchNormEvalOp.perChannel(t0, c: c, s: s) { ch, v in v * scale[ch] }
    }
}

/// Squared distances of each sample to each centre: z [N, E], c [K, E] → [N, K], ‖zₙ − c_k‖².
/// VJP: z̄ₙ = 2 Σ_k ḡₙₖ (zₙ − c_k), c̄_k = −2 Σₙ ḡₙₖ (zₙ − c_k). JVP: 2 (zₙ − c_k)·żₙ.
struct SquaredDistancesOp: Primitive {
    var name: String { "squared distances" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank == 2, x[1].rank == 2, x[0].shape[1] == x[1].shape[1] else {
            throw .shapeMismatch(operation: "squared distances (points [N, E], centres [K, E])", lhs: x[0].shape, rhs: x[1].shape)
        }
        let n = x[0].shape[0], kc = x[1].shape[0], e = x[0].shape[1]
        var out = [Float](repeating: 0, count: n * kc)
        for i in 0..<n { for j in 0..<kc {
            var s: Float = 0
            for d in 0..<e { let v = x[0].scalars[i * e + d] - x[1].scalars[j * e + d]; s += v * v }
            out[i * kc + j] = s
        } }
        return Tensor(unchecked: [n, kc], scalars: out)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let n = x[0].shape[0], kc = x[1].shape[0], e = x[0].shape[1]
        var dz = [Float](repeating: 0, count: n * e), dc = [Float](repeating: 0, count: kc * e)
        for i in 0..<n { for j in 0..<kc {
            let gij = 2 * g.scalars[i * kc + j]
            for d in 0..<e {
                let v = gij * (x[0].scalars[i * e + d] - x[1].scalars[j * e + d])
                dz[i * e + d] += v; dc[j * e + d] -= v
            }
        } }
        return [needed[0] ? Tensor(unchecked: x[0].shape, scalars: dz) : nil,
                needed[1] ? Tensor(unchecked: x[1].shape, scalars: dc) : nil]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        let n = x[0].shape[0], kc = x[1].shape[0], e = x[0].shape[1]
        guard let t0 = t[0] else { return try Tensor.zeros([n * k, kc]) }
        var out = [Float](repeating: 0, count: n * k * kc)
        for i in 0..<n { for q in 0..<k { for j in 0..<kc {
            var s: Float = 0
            for d in 0..<e { s += 2 * (x[0].scalars[i * e + d] - x[1].scalars[j * e + d]) * t0.scalars[(i * k + q) * e + d] }
            out[(i * k + q) * kc + j] = s
        } } }
        return Tensor(unchecked: [n * k, kc], scalars: out)
    }
}

/// The K local linear maps of construction 2: z [N, E], W [K, D, E], c [K, E], m [K, D]
/// → Y [N, K·D], Y_{n,k} = W_k (zₙ − c_k) + m_k.
/// VJP: z̄ = Ȳ·W, W̄_k = Σₙ Ȳₙₖ (zₙ − c_k)ᵀ, c̄_k = −W_kᵀ Σₙ Ȳₙₖ, m̄_k = Σₙ Ȳₙₖ. JVP: Ẏ = ż·Wᵀ.
struct MixtureLinearOp: Primitive {
    var name: String { "mixture linear maps" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        let z = x[0], w = x[1], c = x[2], m = x[3]
        guard z.rank == 2, w.rank == 3, w.shape[2] == z.shape[1], c.shape == [w.shape[0], w.shape[2]],
              m.shape == [w.shape[0], w.shape[1]] else {
            throw .shapeMismatch(operation: "mixture linear maps (points [N, E], maps [K, D, E])", lhs: z.shape, rhs: w.shape)
        }
        let kc = w.shape[0], d = w.shape[1], e = w.shape[2]
        let wall = Tensor(unchecked: [kc * d, e], scalars: w.scalars)
        var bias = m.scalars
        for j in 0..<kc { for r in 0..<d {
            var s: Float = 0
            for q in 0..<e { s += w.scalars[(j * d + r) * e + q] * c.scalars[j * e + q] }
            bias[j * d + r] -= s
        } }
        return try LinearOp.affine(z, wall, Tensor(unchecked: [kc * d], scalars: bias))
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let z = x[0], w = x[1], c = x[2]
        let kc = w.shape[0], d = w.shape[1], e = w.shape[2]
        let wall = Tensor(unchecked: [kc * d, e], scalars: w.scalars)
        let dz = needed[0] ? try Tensor.matmul(g, wall) : nil
        let gsum = try g.sum(axis: 0)  // [K·D]
        var dw: Tensor?
        if needed[1] {
            var full = try Tensor.matmul(g, z, transposingA: true)  // [K·D, E]
            for j in 0..<kc { for r in 0..<d { for q in 0..<e {
                full.scalars[(j * d + r) * e + q] -= gsum.scalars[j * d + r] * c.scalars[j * e + q]
            } } }
            dw = Tensor(unchecked: w.shape, scalars: full.scalars)
        }
        var dc: Tensor?
        if needed[2] {
            var out = [Float](repeating: 0, count: kc * e)
            for j in 0..<kc { for r in 0..<d { for q in 0..<e {
                out[j * e + q] -= w.scalars[(j * d + r) * e + q] * gsum.scalars[j * d + r]
            } } }
            dc = Tensor(unchecked: c.shape, scalars: out)
        }
        return [dz, dw, dc, needed[3] ? Tensor(unchecked: [kc, d], scalars: gsum.scalars) : nil]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        let w = x[1]
        return try Tensor.matmul(t0, Tensor(unchecked: [w.shape[0] * w.shape[1], w.shape[2]], scalars: w.scalars),
                                 transposingB: true)
    }
}

/// The softmax-weighted sum of the K local maps: π [N, K], Y [N, K·D] → r [N, D] = Σ_k πₙₖ Yₙₖ.
/// VJP: π̄ₙₖ = r̄ₙ·Yₙₖ, Ȳₙₖ = πₙₖ r̄ₙ. JVP: ṙₙ = Σ_k (π̇ₙₖ Yₙₖ + πₙₖ Ẏₙₖ).
struct MixtureCombineOp: Primitive {
    var name: String { "mixture combine" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        let p = x[0], y = x[1]
        guard p.rank == 2, y.rank == 2, p.shape[0] == y.shape[0], p.shape[1] > 0, y.shape[1] % p.shape[1] == 0 else {
            throw .shapeMismatch(operation: "mixture combine (weights [N, K], maps [N, K·D])", lhs: p.shape, rhs: y.shape)
        }
        let n = p.shape[0], kc = p.shape[1], d = y.shape[1] / kc
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<kc {
            let w = p.scalars[i * kc + j]
            for r in 0..<d { out[i * d + r] += w * y.scalars[(i * kc + j) * d + r] }
        } }
        return Tensor(unchecked: [n, d], scalars: out)
    }

    func vjp(_ x: [Tensor], _ out: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let p = x[0], y = x[1]
        let n = p.shape[0], kc = p.shape[1], d = y.shape[1] / kc
        var dp = [Float](repeating: 0, count: n * kc), dy = [Float](repeating: 0, count: y.count)
        for i in 0..<n { for j in 0..<kc {
            var s: Float = 0
            let w = p.scalars[i * kc + j]
            for r in 0..<d {
                let gv = g.scalars[i * d + r]
                s += gv * y.scalars[(i * kc + j) * d + r]
                dy[(i * kc + j) * d + r] = w * gv
            }
            dp[i * kc + j] = s
        } }
        return [needed[0] ? Tensor(unchecked: p.shape, scalars: dp) : nil,
                needed[1] ? Tensor(unchecked: y.shape, scalars: dy) : nil]
    }

    func jvp(_ x: [Tensor], _ out: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        let p = x[0], y = x[1]
        let n = p.shape[0], kc = p.shape[1], d = y.shape[1] / kc
        var res = [Float](repeating: 0, count: n * k * d)
        res.withUnsafeMutableBufferPointer { o in
            for i in 0..<n { for q in 0..<k {
                let row = i * k + q
                for j in 0..<kc {
                    if let tp = t[0] {
                        let a = tp.scalars[row * kc + j]
                        for r in 0..<d { o[row * d + r] += a * y.scalars[(i * kc + j) * d + r] }
                    }
                    if let ty = t[1] {
                        let w = p.scalars[i * kc + j]
                        ty.scalars.withUnsafeBufferPointer { tyy in
                            for r in 0..<d { o[row * d + r] += w * tyy[(row * kc + j) * d + r] }
                        }
                    }
                }
            } }
        }
        return Tensor(unchecked: [n * k, d], scalars: res)
    }
}

/// y = x·Wᵀ + b with x [N, in], W [out, in] (PyTorch layout), optional b [out].
/// VJP: x̄ = ȳ·W, W̄ = ȳᵀ·x, b̄ = Σₙ ȳ. JVP: ẏ = ẋ·Wᵀ.
struct LinearOp: Primitive {
    /// Wᵀ [in, out] when the caller keeps it (forward mode then skips transposing W per call).
    var transposedWeight: Tensor? = nil
    var name: String { "linear" }

    /// x·Wᵀ + b for x [N, in], w [out, in] (shapes checked by the caller). With a bias, every row
    /// starts as b and the product adds x·Wᵀ to it (PyTorch's addmm): one pass over y, not a
    /// product zeroing y and another adding b.
    static func affine(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws(EngineError) -> Tensor {
        guard let b else { return try Tensor.matmul(x, w, transposingB: true) }
        let n = x.shape[0], inputs = x.shape[1], out = w.shape[0]
        _ = try Tensor.elementCount(of: [n, out])
        return x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                b.scalars.withUnsafeBufferPointer { bp in
                    Tensor(shape: [n, out], count: n * out) { y in
                        let bias = bp.baseAddress!
                        Parallel.forEachChunk(n, minimumPerChunk: max(1, Parallel.elementwiseGrain / max(1, out))) { rows in
                            for r in rows { (y + r * out).initialize(from: bias, count: out) }
                        }
                        sgemm(transposeA: false, transposeB: true, m: n, n: out, k: inputs, a: xp.baseAddress!, lda: inputs,
                              b: wp.baseAddress!, ldb: inputs, beta: 1, c: y, ldc: out)
                    }
                }
            }
        }
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank == 2, x[1].rank == 2, x[0].shape[1] == x[1].shape[1] else {
            throw .shapeMismatch(operation: "linear (input [N, in], weight [out, in])", lhs: x[0].shape, rhs: x[1].shape)
        }
        if x.count > 2, x[2].shape != [x[1].shape[0]] {
            throw .shapeMismatch(operation: "linear (weight [out, in], bias [out])", lhs: x[1].shape, rhs: x[2].shape)
        }
        return try LinearOp.affine(x[0], x[1], x.count > 2 ? x[2] : nil)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        var result: [Tensor?] = [nil, nil]
        if needed[0] { result[0] = try Tensor.matmul(g, x[1]) }
        if needed[1] { result[1] = try Tensor.matmul(g, x[0], transposingA: true) }
        if x.count > 2 { result.append(needed[2] ? try g.sum(axis: 0) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try SparseTangentProduct.product(t0, weight: x[1], tangentCount: k, transposedWeight: transposedWeight)
    }
}

/// The outer product of each sample with itself: z [N, E] → [N, E·E], (z zᵀ)ᵢⱼ.
/// VJP: z̄ᵢ = Σⱼ (Ḡᵢⱼ + Ḡⱼᵢ) zⱼ. JVP: żᵢ zⱼ + zᵢ żⱼ.
struct OuterSelf: Primitive {
    var name: String { "outer product" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank == 2 else { throw .invalidArgument("outer product needs [N, E], got \(x[0].shape)") }
        let n = x[0].shape[0], e = x[0].shape[1]
        var out = [Float](repeating: 0, count: n * e * e)
        let z = x[0].scalars
        for s in 0..<n { for i in 0..<e { for j in 0..<e { out[(s * e + i) * e + j] = z[s * e + i] * z[s * e + j] } } }
        return Tensor(unchecked: [n, e * e], scalars: out)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let n = x[0].shape[0], e = x[0].shape[1], z = x[0].scalars
        var out = [Float](repeating: 0, count: n * e)
        for s in 0..<n {
            for i in 0..<e {
                var acc: Float = 0
                for j in 0..<e { acc += (g.scalars[(s * e + i) * e + j] + g.scalars[(s * e + j) * e + i]) * z[s * e + j] }
                out[s * e + i] = acc
            }
        }
        return [Tensor(unchecked: x[0].shape, scalars: out)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        let n = x[0].shape[0], e = x[0].shape[1], z = x[0].scalars
        guard let t0 = t[0] else { return try Tensor.zeros([n * k, e * e]) }
        var out = [Float](repeating: 0, count: n * k * e * e)
        for s in 0..<n {
            for q in 0..<k {
                let r = s * k + q
                for i in 0..<e {
                    for j in 0..<e {
                        out[(r * e + i) * e + j] = t0.scalars[r * e + i] * z[s * e + j] + z[s * e + i] * t0.scalars[r * e + j]
                    }
                }
            }
        }
        return Tensor(unchecked: [n * k, e * e], scalars: out)
    }
}

/// y = relu(x·Wᵀ + b), a Linear layer and the ReLU after it in one operation.
/// VJP: the Linear VJP of ḡ ⊙ [y > 0]. JVP: ẏ = [y > 0] ⊙ (ẋ·Wᵀ), with the dropped units never
/// multiplied (`SparseTangentProduct`).
struct RectifiedLinearOp: Primitive {
    /// Wᵀ [in, out] when the caller keeps it (forward mode then skips transposing W per call).
    var transposedWeight: Tensor? = nil
    var name: String { "rectified linear" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        var y = try LinearOp().forward(x)
        y.scalars.withUnsafeMutableBufferPointer { p in
            let y0 = p.baseAddress!
            Parallel.forEachChunk(p.count, minimumPerChunk: Parallel.elementwiseGrain) { range in
                for i in range { y0[i] = max(y0[i], 0) }
            }
        }
        return y
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        try LinearOp().vjp(x, y, Elementwise.scaled(g, y, y, k: 1, ReLUDerivative()), needed)
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try SparseTangentProduct.product(t0, weight: x[1], rectifier: y, tangentCount: k,
                                                transposedWeight: transposedWeight)
    }
}

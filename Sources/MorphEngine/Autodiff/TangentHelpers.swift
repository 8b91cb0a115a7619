/// Helpers for forward-mode tangents laid out [N·K, f…] against primals [N, f…].
enum Tangents {
    /// t ⊙ factor, where factor is per sample ([N, f…], repeated over K) or periodic
    /// (a suffix shape broadcast over everything).
    static func scale(_ t: Tensor, by factor: Tensor, k: Int) -> Tensor {
        var out = t.scalars
        let perSample = factor.count * k == t.count
        let s = perSample ? factor.count / max(1, factor.batchSize) : factor.count
        out.withUnsafeMutableBufferPointer { o in
            factor.scalars.withUnsafeBufferPointer { f in
                if perSample {
                    let rows = t.count / max(1, s)
                    for r in 0..<rows {
                        let fb = (r / k) * s, ob = r * s
                        for i in 0..<s { o[ob + i] *= f[fb + i] }
                    }
                } else {
                    var i = 0
                    while i < o.count {
                        for j in 0..<s { o[i + j] *= f[j] }
                        i += s
                    }
                }
            }
        }
        return Tensor(unchecked: t.shape, scalars: out)
    }

    /// Repeats each sample of a primal K times: [N, f…] → [N·K, f…].
    static func repeatSamples(_ x: Tensor, k: Int) -> Tensor {
        let n = x.batchSize, s = x.sampleSize
        var out = [Float](repeating: 0, count: n * k * s)
        out.withUnsafeMutableBufferPointer { o in
            x.scalars.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    for j in 0..<k {
                        (o.baseAddress! + (i * k + j) * s).update(from: p.baseAddress! + i * s, count: s)
                    }
                }
            }
        }
        var shape = x.shape
        if shape.isEmpty { shape = [k] } else { shape[0] = n * k }
        return Tensor(unchecked: shape, scalars: out)
    }

    /// A sum of optional tangents (nil = zero) of the given shape.
    static func sum(_ a: Tensor?, _ b: Tensor?, shape: [Int]) throws(EngineError) -> Tensor {
        switch (a, b) {
        case let (x?, y?): return try x + y
        case let (x?, nil): return x
        case let (nil, y?): return y
        case (nil, nil): return try Tensor.zeros(shape)
        }
    }

    /// The tangent shape for a primal shape and K.
    static func shape(of primal: [Int], k: Int) -> [Int] {
        primal.isEmpty ? [k] : [primal[0] * k] + primal.dropFirst()
    }
}

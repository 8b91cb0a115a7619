import Glibc

/// Elementwise unary functions f with derivative f′: forward y = f(x), VJP ḡ·f′(x),
/// JVP ṫ·f′(x).
struct Unary: Primitive {
    enum Kind {
        case relu, leakyRelu(Float), sigmoid, tanh, exp, log, square, scale(Float), shift(Float)
    }
    let kind: Kind

    var name: String { "\(kind)" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        let a = x[0]
        switch kind {
        case .relu: return Elementwise.map(a, ReLUMap())
        case let .leakyRelu(s): return Elementwise.map(a, LeakyReLUMap(slope: s))
        case .sigmoid:
            return a.scalars.withUnsafeBufferPointer { p in
                Tensor(shape: a.shape, count: a.count) { o in
                    Parallel.forEachChunk(p.count, minimumPerChunk: Parallel.elementwiseGrain) { r in
                        Vectorized.sigmoid(p.baseAddress! + r.lowerBound, o + r.lowerBound, r.count)
                    }
                }
            }
        case .tanh: return Elementwise.map(a, TanhMap())
        case .exp:
            return a.scalars.withUnsafeBufferPointer { p in
                Tensor(shape: a.shape, count: a.count) { o in Vectorized.exp(p.baseAddress!, o, p.count) }
            }
        case .log: return Elementwise.map(a, LogMap())
        case .square: return Elementwise.map(a, SquareMap())
        case let .scale(c): return Elementwise.map(a, ScaleMap(factor: c))
        case let .shift(c): return Elementwise.map(a, ShiftMap(offset: c))
        }
    }

    func apply(_ v: Tensor, _ x: Tensor, _ y: Tensor, k: Int) -> Tensor {
        switch kind {
        case .relu: return Elementwise.scaled(v, x, y, k: k, ReLUDerivative())
        case let .leakyRelu(s): return Elementwise.scaled(v, x, y, k: k, LeakyReLUDerivative(slope: s))
        case .sigmoid: return Elementwise.scaled(v, x, y, k: k, SigmoidDerivative())
        case .tanh: return Elementwise.scaled(v, x, y, k: k, TanhDerivative())
        case .exp: return Elementwise.scaled(v, x, y, k: k, ExpDerivative())
        case .log: return Elementwise.scaled(v, x, y, k: k, LogDerivative())
        case .square: return Elementwise.scaled(v, x, y, k: k, SquareDerivative())
        case let .scale(c): return Elementwise.map(v, ScaleMap(factor: c))
        case .shift: return v
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        [apply(g, x[0], y, k: 1)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return apply(t0, x[0], y, k: k)
    }
}

/// The sum of squared differences Σ (a − b)², a scalar (the SSE objective, fused).
/// VJP: ā = 2 ḡ (a − b), b̄ = −ā. JVP: 2 Σ (a − b)(ȧ − ḃ) per tangent.
struct SquaredErrorSum: Primitive {
    var name: String { "squared error sum" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].count == x[1].count, x[0].batchSize == x[1].batchSize else {
            throw .shapeMismatch(operation: "squared error", lhs: x[0].shape, rhs: x[1].shape)
        }
        return x[0].scalars.withUnsafeBufferPointer { a in
            x[1].scalars.withUnsafeBufferPointer { b in
                var s = 0.0
                var i = 0
                while i < a.count {
                    var block: Float = 0
                    let end = min(a.count, i + 256)
                    for j in i..<end { let d = a[j] - b[j]; block += d * d }
                    s += Double(block)
                    i = end
                }
                return Tensor(Float(s))
            }
        }
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let scale = 2 * g.scalars[0]
        let da = x[0].scalars.withUnsafeBufferPointer { a in
            x[1].scalars.withUnsafeBufferPointer { b in
                Tensor(shape: x[0].shape, count: a.count) { o in for i in 0..<a.count { o[i] = scale * (a[i] - b[i]) } }
            }
        }
        return [needed[0] ? da : nil, needed[1] ? try (-da).reshaped(x[1].shape) : nil]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        let n = x[0].batchSize, s = x[0].sampleSize
        var out = [Float](repeating: 0, count: k)
        for (slot, sign) in [(0, Float(2)), (1, Float(-2))] {
            guard let tv = t[slot] else { continue }
            for i in 0..<n { for q in 0..<k {
                var acc: Float = 0
                for f in 0..<s { acc += (x[0].scalars[i * s + f] - x[1].scalars[i * s + f]) * tv.scalars[(i * k + q) * s + f] }
                out[q] += sign * acc
            } }
        }
        return Tensor(unchecked: [k], scalars: out)
    }
}

/// Elementwise binary operations; the second operand may broadcast over leading axes
/// (e.g. a per-feature tensor over the batch). Forward-mode tangents of a broadcast
/// operand are not supported (it is a constant there).
struct Binary: Primitive {
    enum Kind { case add, subtract, multiply }
    let kind: Kind

    var name: String { "\(kind)" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].count >= x[1].count else {
            throw .shapeMismatch(operation: "\(kind) (the second operand broadcasts over the first)", lhs: x[0].shape, rhs: x[1].shape)
        }
        switch kind {
        case .add: return try x[0] + x[1]
        case .subtract: return try x[0] - x[1]
        case .multiply: return try x[0] * x[1]
        }
    }

    /// Sums a full-shape gradient down to a broadcast operand's shape.
    static func reduce(_ g: Tensor, to shape: [Int]) throws(EngineError) -> Tensor {
        if g.shape == shape { return g }
        let period = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: period)
        g.scalars.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                for j in 0..<period { out[j] += p[i + j] }
                i += period
            }
        }
        return Tensor(unchecked: shape, scalars: out)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        switch kind {
        case .add:
            return [needed[0] ? g : nil, needed[1] ? try Binary.reduce(g, to: x[1].shape) : nil]
        case .subtract:
            return [needed[0] ? g : nil, needed[1] ? try Binary.reduce(-g, to: x[1].shape) : nil]
        case .multiply:
            return [needed[0] ? try g * x[1] : nil, needed[1] ? try Binary.reduce(g * x[0], to: x[1].shape) : nil]
        }
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        let shape = Tangents.shape(of: y.shape, k: k)
        if t[1] != nil && x[1].shape != x[0].shape {
            throw .invalidArgument("\(kind): forward-mode tangents on a broadcast operand are not supported")
        }
        switch kind {
        case .add: return try Tangents.sum(t[0], t[1], shape: shape)
        case .subtract: return try Tangents.sum(t[0], t[1].map { -$0 }, shape: shape)
        case .multiply:
            let a = t[0].map { Tangents.scale($0, by: x[1], k: k) }
            let b = t[1].map { Tangents.scale($0, by: x[0], k: k) }
            return try Tangents.sum(a, b, shape: shape)
        }
    }
}

/// The sum of all elements (a rank-0 result; its tangent has shape [K]).
struct SumAll: Primitive {
    var name: String { "sum" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor { Tensor(x[0].sum()) }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        [try Tensor(repeating: g.scalars[0], shape: x[0].shape)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros([k]) }
        let n = x[0].batchSize, s = x[0].sampleSize
        var out = [Double](repeating: 0, count: k)
        t0.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n { for j in 0..<k { for f in 0..<s { out[j] += Double(p[(i * k + j) * s + f]) } } }
        }
        return Tensor(unchecked: [k], scalars: out.map { Float($0) })
    }
}

/// The per-sample sum over all non-batch axes: [N, f…] → [N].
struct SumPerSample: Primitive {
    var name: String { "sum per sample" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank >= 1 else { throw .invalidArgument("sum per sample needs a batch axis") }
        return try x[0].reshaped([x[0].batchSize, -1]).sum(axis: 1)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let s = x[0].sampleSize
        var out = [Float](repeating: 0, count: x[0].count)
        for i in 0..<g.count { for f in 0..<s { out[i * s + f] = g.scalars[i] } }
        return [Tensor(unchecked: x[0].shape, scalars: out)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros([y.count * k]) }
        return try t0.reshaped([t0.batchSize, -1]).sum(axis: 1)
    }
}

/// A reshape that keeps the batch axis: [N, a…] → [N, b…].
struct ReshapeOp: Primitive {
    let sampleShape: [Int]
    var name: String { "reshape" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank >= 1 else { throw .invalidArgument("reshape needs a batch axis") }
        return try x[0].reshaped([x[0].batchSize] + sampleShape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        [try g.reshaped(x[0].shape)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try t0.reshaped([t0.batchSize] + sampleShape)
    }
}

/// Softmax over the last axis: y = exp(x − max) / Σ exp(x − max).
struct SoftmaxOp: Primitive {
    var name: String { "softmax" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard let width = x[0].shape.last, width > 0 else { throw .invalidArgument("softmax needs a non-empty last axis") }
        var out = x[0].scalars
        out.withUnsafeMutableBufferPointer { o in
            var r = 0
            while r < o.count {
                var m = -Float.infinity
                for j in 0..<width { m = max(m, o[r + j]) }
                var s: Float = 0
                for j in 0..<width { let e = expf(o[r + j] - m); o[r + j] = e; s += e }
                for j in 0..<width { o[r + j] /= s }
                r += width
            }
        }
        return Tensor(unchecked: x[0].shape, scalars: out)
    }

    /// y ⊙ (v − Σ y v) row by row, with y repeated `k` times over v's rows.
    static func project(_ y: Tensor, _ v: Tensor, k: Int) -> Tensor {
        let width = y.shape.last ?? 1
        var out = v.scalars
        out.withUnsafeMutableBufferPointer { o in
            y.scalars.withUnsafeBufferPointer { p in
                let rows = o.count / width
                for r in 0..<rows {
                    let yb = (r / k) * width, ob = r * width
                    var dot: Float = 0
                    for j in 0..<width { dot += p[yb + j] * o[ob + j] }
                    for j in 0..<width { o[ob + j] = p[yb + j] * (o[ob + j] - dot) }
                }
            }
        }
        return Tensor(unchecked: v.shape, scalars: out)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        [SoftmaxOp.project(y, g, k: 1)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return SoftmaxOp.project(y, t0, k: k)
    }
}

/// Columns `range` of a matrix [N, F] → [N, range.count].
struct Columns: Primitive {
    let range: Range<Int>
    var name: String { "columns" }

    static func slice(_ x: Tensor, _ range: Range<Int>) -> Tensor {
        let n = x.batchSize, f = x.sampleSize, w = range.count
        var out = [Float](repeating: 0, count: n * w)
        for i in 0..<n { for j in 0..<w { out[i * w + j] = x.scalars[i * f + range.lowerBound + j] } }
        return Tensor(unchecked: [n, w], scalars: out)
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        guard x[0].rank == 2, range.lowerBound >= 0, range.upperBound <= x[0].shape[1] else {
            throw .invalidArgument("columns \(range) do not fit a tensor of shape \(x[0].shape)")
        }
        return Columns.slice(x[0], range)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let n = x[0].batchSize, f = x[0].shape[1], w = range.count
        var out = [Float](repeating: 0, count: n * f)
        for i in 0..<n { for j in 0..<w { out[i * f + range.lowerBound + j] = g.scalars[i * w + j] } }
        return [Tensor(unchecked: x[0].shape, scalars: out)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return Columns.slice(t0, range)
    }
}

/// Samples gathered by index along the batch axis (indices may repeat).
struct GatherSamples: Primitive {
    let indices: [Int]
    var name: String { "gather samples" }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor { try x[0].samples(at: indices) }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let s = x[0].sampleSize
        var out = [Float](repeating: 0, count: x[0].count)
        for (row, i) in indices.enumerated() { for f in 0..<s { out[i * s + f] += g.scalars[row * s + f] } }
        return [Tensor(unchecked: x[0].shape, scalars: out)]
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        let expanded = indices.flatMap { i in (0..<k).map { i * k + $0 } }
        return try t0.samples(at: expanded)
    }
}

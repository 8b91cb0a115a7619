extension Tensor {
    /// Whether `small` broadcasts over `large`: equal shapes, one element, or a trailing suffix.
    static func broadcasts(_ small: [Int], over large: [Int]) -> Bool {
        if small == large { return true }
        if small.reduce(1, *) == 1 { return true }
        return small.count < large.count && Array(large.suffix(small.count)) == small
    }

    /// Elementwise combination with broadcasting of the smaller operand over leading axes.
    static func combine<F: ScalarCombination>(_ a: Tensor, _ b: Tensor, _ name: String,
                                              _ f: F) throws(EngineError) -> Tensor {
        if a.shape == b.shape { return Elementwise.combine(a, b, f) }
        let aLarger = a.count >= b.count
        let large = aLarger ? a : b, small = aLarger ? b : a
        guard broadcasts(small.shape, over: large.shape) else {
            throw .shapeMismatch(operation: name, lhs: a.shape, rhs: b.shape)
        }
        var out = large.scalars
        let period = small.count
        out.withUnsafeMutableBufferPointer { o in
            small.scalars.withUnsafeBufferPointer { s in
                var i = 0
                while i < o.count {
                    for j in 0..<period {
                        o[i + j] = aLarger ? f(o[i + j], s[j]) : f(s[j], o[i + j])
                    }
                    i += period
                }
            }
        }
        return Tensor(unchecked: large.shape, scalars: out)
    }

    /// The elements transformed one by one.
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        scalars.withUnsafeBufferPointer { p in
            Tensor(shape: shape, count: p.count) { o in for i in 0..<p.count { o[i] = f(p[i]) } }
        }
    }

    /// Elementwise sum; the smaller operand broadcasts over leading (batch) axes.
    public static func + (a: Tensor, b: Tensor) throws(EngineError) -> Tensor { try combine(a, b, "add", Sum()) }
    /// Elementwise difference; the smaller operand broadcasts over leading (batch) axes.
    public static func - (a: Tensor, b: Tensor) throws(EngineError) -> Tensor { try combine(a, b, "subtract", Difference()) }
    /// Elementwise product; the smaller operand broadcasts over leading (batch) axes.
    public static func * (a: Tensor, b: Tensor) throws(EngineError) -> Tensor { try combine(a, b, "multiply", Product()) }
    /// Elementwise quotient; the smaller operand broadcasts over leading (batch) axes.
    public static func / (a: Tensor, b: Tensor) throws(EngineError) -> Tensor { try combine(a, b, "divide", Quotient()) }

    /// Adds a scalar to every element.
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    /// Subtracts a scalar from every element.
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    /// Multiplies every element by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    /// Multiplies every element by a scalar.
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { $0 * s } }
    /// Divides every element by a scalar.
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    /// Negates every element.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// The sum of all elements (accumulated in Double).
    public func sum() -> Float {
        scalars.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) }
            return Float(s)
        }
    }

    /// The mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : Float(Double(sum()) / Double(count)) }

    /// The sum of squares of all elements.
    public func squaredNorm() -> Float {
        scalars.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) * Double(v) }
            return Float(s)
        }
    }

    /// The Euclidean (Frobenius) norm of all elements.
    public func norm() -> Float { squaredNorm().squareRoot() }

    /// Whether every element is finite.
    public var isFinite: Bool {
        // The largest exponent field over all elements: all ones only for an infinity or a NaN.
        // An integer max reduction without an early exit, so the loop vectorises (the training
        // loop checks every gradient each step).
        scalars.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: UInt32.self) { bits in
                var largest: UInt32 = 0
                for b in bits { largest = max(largest, b & 0x7F80_0000) }
                return largest != 0x7F80_0000
            }
        }
    }

    /// Sums over one axis, removing it.
    public func sum(axis: Int) throws(EngineError) -> Tensor {
        guard axis >= 0, axis < rank else {
            throw .invalidArgument("axis \(axis) is outside a tensor of shape \(shape)")
        }
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner)
        out.withUnsafeMutableBufferPointer { o in
            scalars.withUnsafeBufferPointer { x in
                // Row pointers keep the inner loop free of overflow checks, so it vectorises; each
                // output still adds its n inputs in order.
                guard let o0 = o.baseAddress, let x0 = x.baseAddress else { return }
                for a in 0..<outer {
                    let sums = o0 + a * inner
                    for j in 0..<n {
                        let row = x0 + (a * n + j) * inner
                        for i in 0..<inner { sums[i] += row[i] }
                    }
                }
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(unchecked: newShape, scalars: out)
    }

    /// Averages over one axis, removing it.
    public func mean(axis: Int) throws(EngineError) -> Tensor {
        let s = try sum(axis: axis)
        return s / Float(max(1, shape[axis]))
    }

    /// Sums over several axes, removing them.
    public func sum(axes: [Int]) throws(EngineError) -> Tensor {
        var t = self
        for a in axes.sorted(by: >) { t = try t.sum(axis: a) }
        return t
    }

    /// The per-sample sum of squares, shape [N].
    public func squaredNormPerSample() -> Tensor {
        let n = batchSize, s = sampleSize
        var out = [Float](repeating: 0, count: n)
        scalars.withUnsafeBufferPointer { x in
            for i in 0..<n {
                var acc = 0.0
                for j in 0..<s { let v = Double(x[i * s + j]); acc += v * v }
                out[i] = Float(acc)
            }
        }
        return Tensor(unchecked: [n], scalars: out)
    }

    /// dst[j·rows + i] = src[i·columns + j]: a rows × columns matrix transposed, in 16 × 16 tiles
    /// so that reads and writes both stay within a few cache lines.
    static func transpose(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>) {
        transpose(src, rows: rows, columns: columns, rowStride: columns, into: dst, outputStride: rows)
    }

    /// dst[j·outputStride + i] = src[i·rowStride + j] for a rows × columns block, in 16 × 16 tiles.
    static func transpose(_ src: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int,
                          into dst: UnsafeMutablePointer<Float>, outputStride: Int) {
        let tile = 16
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 + tile)
            var c0 = 0
            while c0 < columns {
                let c1 = min(columns, c0 + tile)
                // Whole 4 × 4 blocks through SIMD registers, the ragged edges element by element.
                let fullRows = r0 + (r1 - r0) / 4 * 4, fullColumns = c0 + (c1 - c0) / 4 * 4
                var i = r0
                while i < fullRows {
                    var j = c0
                    while j < fullColumns {
                        transpose4x4(src + i * rowStride + j, rowStride: rowStride, into: dst + j * outputStride + i,
                                     outputStride: outputStride)
                        j += 4
                    }
                    i += 4
                }
                for j in c0..<c1 {
                    let out = dst + j * outputStride, column = src + j
                    let from = j < fullColumns ? fullRows : r0
                    for i in from..<r1 { out[i] = column[i * rowStride] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }

    @inline(__always)
    private static func transpose4x4(_ src: UnsafePointer<Float>, rowStride: Int,
                                     into dst: UnsafeMutablePointer<Float>, outputStride: Int) {
        let a = UnsafeRawPointer(src).loadUnaligned(as: SIMD4<Float>.self)
        let b = UnsafeRawPointer(src + rowStride).loadUnaligned(as: SIMD4<Float>.self)
        let c = UnsafeRawPointer(src + 2 * rowStride).loadUnaligned(as: SIMD4<Float>.self)
        let d = UnsafeRawPointer(src + 3 * rowStride).loadUnaligned(as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(dst).storeBytes(of: SIMD4(a[0], b[0], c[0], d[0]), as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(dst + outputStride).storeBytes(of: SIMD4(a[1], b[1], c[1], d[1]), as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(dst + 2 * outputStride).storeBytes(of: SIMD4(a[2], b[2], c[2], d[2]), as: SIMD4<Float>.self)
        UnsafeMutableRawPointer(dst + 3 * outputStride).storeBytes(of: SIMD4(a[3], b[3], c[3], d[3]), as: SIMD4<Float>.self)
    }

    /// The matrix transpose of a rank-2 tensor.
    public func transposed() throws(EngineError) -> Tensor {
        guard rank == 2 else { throw .invalidArgument("transposed() needs a matrix, got shape \(shape)") }
        let r = shape[0], c = shape[1]
        return scalars.withUnsafeBufferPointer { x in
            Tensor(shape: [c, r], count: count) { o in
                guard count > 0 else { return }
                let src = x.baseAddress!
                // Bands of 16 source rows are independent: split them across threads when large.
                let bands = (r + 15) / 16
                Parallel.forEachChunk(bands, minimumPerChunk: max(1, Parallel.elementwiseGrain / (16 * c))) { range in
                    let lo = range.lowerBound * 16, hi = min(r, range.upperBound * 16)
                    Tensor.transpose(src + lo * c, rows: hi - lo, columns: c, rowStride: c, into: o + lo, outputStride: r)
                }
            }
        }
    }

    /// The matrix product op(a)·op(b) through BLAS, with transposes applied without copies.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposingA ta: Bool = false,
                              transposingB tb: Bool = false) throws(EngineError) -> Tensor {
        guard a.rank == 2, b.rank == 2 else {
            throw .shapeMismatch(operation: "matmul (needs matrices)", lhs: a.shape, rhs: b.shape)
        }
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let k2 = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1]
        guard k == k2 else {
            throw .shapeMismatch(operation: "matmul\(ta ? " (lhs transposed)" : "")\(tb ? " (rhs transposed)" : "")",
                                 lhs: a.shape, rhs: b.shape)
        }
        _ = try elementCount(of: [m, n])
        // sgemm with beta = 0 writes every element (and zeroes them when k = 0).
        var out = [Float](unsafeUninitializedCapacity: m * n) { _, initialized in initialized = m * n }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k,
                          a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                          c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return Tensor(unchecked: [m, n], scalars: out)
    }
}

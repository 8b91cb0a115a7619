/// 2-D convolution, NCHW: x [N, C, H, W], W [O, C, kh, kw], optional b [O].
/// y = W ⋆ x + b by im2col and one sgemm per chunk of samples.
/// VJP: x̄ = col2im(Wᵀ·Ȳ) (or its sub-pixel form, `SubPixel`), W̄ = Ȳ·colᵀ, b̄ = Σ Ȳ.
/// JVP: ẏ = W ⋆ ẋ (no bias).
struct Conv2dOp: Primitive {
    let stride: Int, padding: Int
    /// Where the forward pass leaves its columns for the backward pass (when recorded).
    var cache: ColumnCache? = nil
    /// Whether x̄ may take the sub-pixel form (`SubPixel`) where it applies.
    var allowsSubPixel = true
    var name: String { "conv2d" }

    func geometry(_ x: Tensor, _ w: Tensor) throws(EngineError) -> ConvGeometry {
        guard x.rank == 4, w.rank == 4, x.shape[1] == w.shape[1] else {
            throw .shapeMismatch(operation: "conv2d (input [N, C, H, W], weight [O, C, kh, kw])", lhs: x.shape, rhs: w.shape)
        }
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelHeight: w.shape[2], kernelWidth: w.shape[3], stride: stride, padding: padding)
        guard stride > 0, padding >= 0, g.outHeight > 0, g.outWidth > 0 else {
            throw .invalidArgument("conv2d: kernel \(w.shape[2])×\(w.shape[3]) with stride \(stride), padding \(padding) does not fit an input of \(x.shape[2])×\(x.shape[3])")
        }
        return g
    }

    func convolve(_ x: Tensor, _ w: Tensor, _ b: Tensor?, keepColumns: Bool = false) throws(EngineError) -> Tensor {
        let g = try geometry(x, w)
        let n = x.shape[0], o = w.shape[0]
        if let b, b.shape != [o] {
            throw .shapeMismatch(operation: "conv2d (weight [O, …], bias [O])", lhs: w.shape, rhs: b.shape)
        }
        _ = try Tensor.elementCount(of: [n, o, g.outHeight, g.outWidth])
        var y = Tensor(shape: [n, o, g.outHeight, g.outWidth], count: n * o * g.positions) { _ in }
        let chunk = g.chunk(for: n, budget: ConvGeometry.cacheBudget)
        var col = Scratch(g.rows * chunk * g.positions)
        defer { if keepColumns, let cache, chunk == n { cache.columns = col.buffer } }
        var prod = Scratch(o * chunk * g.positions)
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                y.scalars.withUnsafeMutableBufferPointer { yp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        col.with { c in
                            ConvKernels.im2col(xp.baseAddress! + start * g.imageSize, g, batch: bsz, c)
                            prod.with { pr in
                                sgemm(transposeA: false, transposeB: false, m: o, n: bsz * g.positions, k: g.rows,
                                      a: wp.baseAddress!, lda: g.rows, b: c, ldb: bsz * g.positions,
                                      c: pr, ldc: bsz * g.positions)
                                if let b {
                                    b.scalars.withUnsafeBufferPointer { bp in
                                        ConvKernels.fromChannelMajor(pr, channels: o, batch: bsz, positions: g.positions,
                                                                     bias: bp.baseAddress!, yp.baseAddress! + start * o * g.positions)
                                    }
                                } else {
                                    ConvKernels.fromChannelMajor(pr, channels: o, batch: bsz, positions: g.positions,
                                                                 bias: nil, yp.baseAddress! + start * o * g.positions)
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        try convolve(x[0], x[1], x.count > 2 ? x[2] : nil, keepColumns: true)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], o = w.shape[0], p = g.positions
        let subPixel = allowsSubPixel && SubPixel.applies(g, inputChannels: o)
        // The sub-pixel form writes every element of x̄; col2im adds into zeros.
        var dx = !needed[0] ? nil : subPixel ? Tensor(shape: input.shape, count: input.count) { _ in } : try Tensor.zeros(input.shape)
        var dw = needed[1] ? try Tensor.zeros(w.shape) : nil
        // Ȳ channel-major for the whole batch, [O, N·P], when a product reads column ranges of it.
        let channelMajor = dw != nil || (dx != nil && !subPixel)
        var gcm = Scratch(channelMajor ? o * n * p : 0)
        if channelMajor {
            gy.scalars.withUnsafeBufferPointer { gp in
                gcm.with { ConvKernels.toChannelMajor(gp.baseAddress!, channels: o, batch: n, positions: p, $0) }
            }
        }
        let ld = n * p
        if dw != nil {
            // W̄ = Ȳ·colᵀ over the forward pass's columns when it kept them, else chunk by chunk.
            let cachedColumns = cache?.columns.flatMap { $0.count == g.rows * n * p ? $0 : nil }
            cache?.columns = nil
            let chunk = cachedColumns == nil ? g.chunk(for: n, budget: ConvGeometry.cacheBudget) : n
            var col = cachedColumns.map { Scratch($0) } ?? Scratch(g.rows * chunk * p)
            input.scalars.withUnsafeBufferPointer { xp in
                dw!.scalars.withUnsafeMutableBufferPointer { dwp in
                    gcm.with { gc in
                        col.with { c in
                            forEachSampleChunk(n, size: chunk) { start, bsz in
                                if cachedColumns == nil { ConvKernels.im2col(xp.baseAddress! + start * g.imageSize, g, batch: bsz, c) }
                                sgemm(transposeA: false, transposeB: true, m: o, n: g.rows, k: bsz * p,
                                      a: gc + start * p, lda: ld, b: c, ldb: bsz * p,
                                      beta: 1, c: dwp.baseAddress!, ldc: g.rows)
                            }
                        }
                    }
                }
            }
        }
        if dx != nil, subPixel {
            // x̄ is the transposed convolution of Ȳ with W.
            gy.scalars.withUnsafeBufferPointer { gp in
                w.scalars.withUnsafeBufferPointer { wp in
                    dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                        SubPixel.transposedConvolution(gp.baseAddress!, inputChannels: o, batch: n, weight: wp.baseAddress!,
                                                       bias: nil, g, into: dxp.baseAddress!)
                    }
                }
            }
        } else if dx != nil {
            // x̄ = col2im(Wᵀ·Ȳ), in chunks whose columns stay in cache between the product and col2im.
            let chunk = g.chunk(for: n, budget: ConvGeometry.cacheBudget)
            var col = Scratch(g.rows * chunk * p)
            w.scalars.withUnsafeBufferPointer { wp in
                dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                    gcm.with { gc in
                        col.with { c in
                            forEachSampleChunk(n, size: chunk) { start, bsz in
                                sgemm(transposeA: true, transposeB: false, m: g.rows, n: bsz * p, k: o,
                                      a: wp.baseAddress!, lda: g.rows, b: gc + start * p, ldb: ld,
                                      c: c, ldc: bsz * p)
                                ConvKernels.col2im(c, g, batch: bsz, dxp.baseAddress! + start * g.imageSize)
                            }
                        }
                    }
                }
            }
        }
        var result: [Tensor?] = [dx, dw]
        if x.count > 2 { result.append(needed[2] ? channelSums(gy) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try convolve(t0, x[1], nil)
    }
}

/// Transposed 2-D convolution, NCHW: x [N, Cin, H, W], W [Cin, Cout, kh, kw] (PyTorch
/// layout), optional b [Cout]; output side (H − 1)·s − 2·pad + kh. It is the adjoint of
/// conv2d in x: y = col2im(W′ᵀ·x) with W′ = W as [Cin, Cout·kh·kw] (or the sub-pixel form,
/// `SubPixel`, when the stride divides the kernel and Cin ≤ Cout).
/// VJP: x̄ = W′·im2col(ȳ), W̄′ = x·im2col(ȳ)ᵀ, b̄ = Σ ȳ. JVP: the same map applied to ẋ.
struct ConvTranspose2dOp: Primitive {
    let stride: Int, padding: Int
    /// Whether the forward map may take the sub-pixel form (`SubPixel`) where it applies.
    var allowsSubPixel = true
    var name: String { "conv_transpose2d" }

    func geometry(_ x: Tensor, _ w: Tensor) throws(EngineError) -> ConvGeometry {
        guard x.rank == 4, w.rank == 4, x.shape[1] == w.shape[0] else {
            throw .shapeMismatch(operation: "conv_transpose2d (input [N, Cin, H, W], weight [Cin, Cout, kh, kw])", lhs: x.shape, rhs: w.shape)
        }
        let oh = (x.shape[2] - 1) * stride - 2 * padding + w.shape[2]
        let ow = (x.shape[3] - 1) * stride - 2 * padding + w.shape[3]
        guard stride > 0, padding >= 0, oh > 0, ow > 0 else {
            throw .invalidArgument("conv_transpose2d: kernel \(w.shape[2])×\(w.shape[3]) with stride \(stride), padding \(padding) gives no output from \(x.shape[2])×\(x.shape[3])")
        }
        let g = ConvGeometry(channels: w.shape[1], height: oh, width: ow,
                             kernelHeight: w.shape[2], kernelWidth: w.shape[3], stride: stride, padding: padding)
        guard g.outHeight == x.shape[2], g.outWidth == x.shape[3] else {
            throw .invalidArgument("conv_transpose2d: geometry does not round-trip for input \(x.shape)")
        }
        return g
    }

    func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws(EngineError) -> Tensor {
        let g = try geometry(x, w)
        let n = x.shape[0], cin = x.shape[1], p = g.positions, cout = g.channels
        if let b, b.shape != [cout] {
            throw .shapeMismatch(operation: "conv_transpose2d (weight [Cin, Cout, …], bias [Cout])", lhs: w.shape, rhs: b.shape)
        }
        _ = try Tensor.elementCount(of: [n, cout, g.height, g.width])
        let plane = g.height * g.width
        if allowsSubPixel && SubPixel.applies(g, inputChannels: cin) {
            let biasScalars = b?.scalars ?? []
            return x.scalars.withUnsafeBufferPointer { xp in
                w.scalars.withUnsafeBufferPointer { wp in
                    biasScalars.withUnsafeBufferPointer { bp in
                        Tensor(shape: [n, cout, g.height, g.width], count: n * cout * plane) { y in
                            SubPixel.transposedConvolution(xp.baseAddress!, inputChannels: cin, batch: n, weight: wp.baseAddress!,
                                                           bias: b == nil ? nil : bp.baseAddress, g, into: y)
                        }
                    }
                }
            }
        }
        var y = Tensor(shape: [n, cout, g.height, g.width], count: n * cout * plane) { o in
            for s in 0..<n { for c in 0..<cout {
                (o + (s * cout + c) * plane).update(repeating: b?.scalars[c] ?? 0, count: plane)
            } }
        }
        let chunk = g.chunk(for: n, budget: ConvGeometry.cacheBudget)
        var col = Scratch(g.rows * chunk * p)
        var xcm = Scratch(cin * chunk * p)
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                y.scalars.withUnsafeMutableBufferPointer { yp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        xcm.with { xc in
                            ConvKernels.toChannelMajor(xp.baseAddress! + start * cin * p, channels: cin, batch: bsz, positions: p, xc)
                            col.with { c in
                                sgemm(transposeA: true, transposeB: false, m: g.rows, n: bsz * p, k: cin,
                                      a: wp.baseAddress!, lda: g.rows, b: xc, ldb: bsz * p, c: c, ldc: bsz * p)
                                ConvKernels.col2im(c, g, batch: bsz, yp.baseAddress! + start * g.imageSize)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        try apply(x[0], x[1], x.count > 2 ? x[2] : nil)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], cin = input.shape[1], p = g.positions
        var dx = needed[0] ? Tensor(shape: input.shape, count: input.count) { _ in } : nil
        var dw = needed[1] ? try Tensor.zeros(w.shape) : nil
        let chunk = g.chunk(for: n, budget: ConvGeometry.cacheBudget)
        var col = Scratch(g.rows * chunk * p)
        var xcm = Scratch(cin * chunk * p)
        input.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        col.with { c in
                            ConvKernels.im2col(gp.baseAddress! + start * g.imageSize, g, batch: bsz, c)
                            xcm.with { xc in
                                if dw != nil {
                                    ConvKernels.toChannelMajor(xp.baseAddress! + start * cin * p, channels: cin, batch: bsz, positions: p, xc)
                                    dw!.scalars.withUnsafeMutableBufferPointer { dwp in
                                        sgemm(transposeA: false, transposeB: true, m: cin, n: g.rows, k: bsz * p,
                                              a: xc, lda: bsz * p, b: c, ldb: bsz * p,
                                              beta: 1, c: dwp.baseAddress!, ldc: g.rows)
                                    }
                                }
                                if dx != nil {
                                    sgemm(transposeA: false, transposeB: false, m: cin, n: bsz * p, k: g.rows,
                                          a: wp.baseAddress!, lda: g.rows, b: c, ldb: bsz * p, c: xc, ldc: bsz * p)
                                    dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                                        ConvKernels.fromChannelMajor(xc, channels: cin, batch: bsz, positions: p, bias: nil,
                                                                     dxp.baseAddress! + start * cin * p)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var result: [Tensor?] = [dx, dw]
        if x.count > 2 { result.append(needed[2] ? channelSums(gy) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try apply(t0, x[1], nil)
    }
}

/// 2-D convolution, NCHW: x [N, C, H, W], W [O, C, kh, kw], optional b [O].
/// y = W ⋆ x + b by im2col and one sgemm per chunk of samples.
/// VJP: x̄ = col2im(Wᵀ·Ȳ) (or its sub-pixel form, `SubPixel`), W̄ = Ȳ·colᵀ, b̄ = Σ Ȳ.
/// JVP: ẏ = W ⋆ ẋ (no bias).
struct Conv2dOp: Primitive {
    let stride: Int, padding: Int
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

    func convolve(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws(EngineError) -> Tensor {
        let g = try geometry(x, w)
        let n = x.shape[0], o = w.shape[0]
        if let b, b.shape != [o] {
            throw .shapeMismatch(operation: "conv2d (weight [O, …], bias [O])", lhs: w.shape, rhs: b.shape)
        }
        _ = try Tensor.elementCount(of: [n, o, g.outHeight, g.outWidth])
        var y = Tensor(shape: [n, o, g.outHeight, g.outWidth], count: n * o * g.positions) { _ in }
        // Several threads split the batch (one threaded product of the whole batch scales poorly).
        let shares = Parallel.shares(of: n, minimumPerShare: 2)
        let biasScalars = b?.scalars ?? []
        let planes = PhasePlanes(g)  // im2col's tables, once for every chunk
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                biasScalars.withUnsafeBufferPointer { bp in
                    y.scalars.withUnsafeMutableBufferPointer { yp in
                        let (x0, w0, y0, bias) = (xp.baseAddress!, wp.baseAddress!, yp.baseAddress!, b == nil ? nil : bp.baseAddress)
                        Parallel.forEachShare(shares) { _, share in
                            let chunk = g.chunk(for: share.count, budget: ConvGeometry.cacheBudget)
                            var col = Scratch(g.rows * chunk * g.positions), prod = Scratch(o * chunk * g.positions)
                            forEachSampleChunk(share.count, size: chunk) { offset, bsz in
                                let start = share.lowerBound + offset
                                col.with { c in
                                    ConvKernels.im2col(x0 + start * g.imageSize, planes, batch: bsz, c)
                                    prod.with { pr in
                                        sgemm(transposeA: false, transposeB: false, m: o, n: bsz * g.positions, k: g.rows,
                                              a: w0, lda: g.rows, b: c, ldb: bsz * g.positions, c: pr, ldc: bsz * g.positions)
                                        ConvKernels.fromChannelMajor(pr, channels: o, batch: bsz, positions: g.positions,
                                                                     bias: bias, y0 + start * o * g.positions)
                                    }
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
        try convolve(x[0], x[1], x.count > 2 ? x[2] : nil)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], o = w.shape[0], p = g.positions
        let subPixel = allowsSubPixel && SubPixel.applies(g, inputChannels: o)
        // The sub-pixel form writes every element of x̄; col2im adds into zeros.
        var dxScalars: [Float] = !needed[0] ? [] : subPixel
            ? [Float](unsafeUninitializedCapacity: input.count) { _, initialized in initialized = input.count }
            : [Float](repeating: 0, count: input.count)
        let wantsWeight = needed[1], viaCol2im = needed[0] && !subPixel
        // W̄ᵀ = col·Ȳᵀ chunk by chunk, the columns made again from x (cheaper than keeping the
        // forward pass's: small chunks stay in cache).
        let shares = Parallel.shares(of: n, minimumPerShare: 2)
        let planes = PhasePlanes(g)  // im2col's tables, once for every chunk
        // Each share's W̄ᵀ [C·kh·kw, O], added in share order afterwards (the same sum for the same
        // thread count), then transposed once.
        var partials = [Float](repeating: 0, count: wantsWeight ? shares.count * w.count : 0)
        input.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    partials.withUnsafeMutableBufferPointer { pp in
                        dxScalars.withUnsafeMutableBufferPointer { dp in
                            let (x0, w0, g0, partial0) = (xp.baseAddress!, wp.baseAddress!, gp.baseAddress!, pp.baseAddress)
                            let dx0 = needed[0] ? dp.baseAddress : nil
                            Parallel.forEachShare(shares) { index, share in
                                let chunk = g.chunk(for: share.count, budget: ConvGeometry.cacheBudget)
                                if wantsWeight || viaCol2im {
                                    // Ȳ per chunk channel-major, [O, B·P], for x̄'s product, and position-major,
                                    // [B·P, O], for W̄ᵀ = col·Ȳᵀ: a product of untransposed operands, which
                                    // OpenBLAS runs with its small-matrix kernels (no packing) at these sizes.
                                    var gcm = Scratch(o * chunk * p)
                                    var col = Scratch(g.rows * chunk * p)
                                    forEachSampleChunk(share.count, size: chunk) { offset, bsz in
                                        let start = share.lowerBound + offset, width = bsz * p
                                        gcm.with { gc in
                                            col.with { c in
                                                if wantsWeight, let partial0 {
                                                    ConvKernels.toPositionMajor(g0 + start * o * p, channels: o, batch: bsz, positions: p, gc)
                                                    ConvKernels.im2col(x0 + start * g.imageSize, planes, batch: bsz, c)
                                                    sgemm(transposeA: false, transposeB: false, m: g.rows, n: o, k: width,
                                                          a: c, lda: width, b: gc, ldb: o,
                                                          beta: 1, c: partial0 + index * w.count, ldc: o)
                                                }
                                                if viaCol2im, let dx0 {
                                                    ConvKernels.toChannelMajor(g0 + start * o * p, channels: o, batch: bsz, positions: p, gc)
                                                    // x̄ = col2im(Wᵀ·Ȳ), the columns still in cache between the two.
                                                    sgemm(transposeA: true, transposeB: false, m: g.rows, n: width, k: o,
                                                          a: w0, lda: g.rows, b: gc, ldb: width, c: c, ldc: width)
                                                    ConvKernels.col2im(c, g, batch: bsz, dx0 + start * g.imageSize)
                                                }
                                            }
                                        }
                                    }
                                }
                                if subPixel, let dx0 {
                                    // x̄ is the transposed convolution of Ȳ with W.
                                    SubPixel.transposedConvolution(g0 + share.lowerBound * o * p, inputChannels: o, batch: share.count,
                                                                   weight: w0, bias: nil, g, into: dx0 + share.lowerBound * g.imageSize)
                                }
                            }
                        }
                    }
                }
            }
        }
        let dx = needed[0] ? Tensor(unchecked: input.shape, scalars: dxScalars) : nil
        let dw = wantsWeight ? try Tensor(unchecked: [g.rows, o], scalars: sumOfShares(partials, count: shares.count))
            .transposed().reshaped(w.shape) : nil
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
    /// Rows and columns added at the bottom and right of the output (less than the stride).
    var outputPadding = 0
    /// Whether the forward map may take the sub-pixel form (`SubPixel`) where it applies.
    var allowsSubPixel = true
    var name: String { "conv_transpose2d" }

    func geometry(_ x: Tensor, _ w: Tensor) throws(EngineError) -> ConvGeometry {
        guard x.rank == 4, w.rank == 4, x.shape[1] == w.shape[0] else {
            throw .shapeMismatch(operation: "conv_transpose2d (input [N, Cin, H, W], weight [Cin, Cout, kh, kw])", lhs: x.shape, rhs: w.shape)
        }
        let oh = (x.shape[2] - 1) * stride - 2 * padding + w.shape[2] + outputPadding
        let ow = (x.shape[3] - 1) * stride - 2 * padding + w.shape[3] + outputPadding
        guard stride > 0, padding >= 0, outputPadding >= 0, outputPadding == 0 || outputPadding < stride, oh > 0, ow > 0 else {
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
        let subPixel = allowsSubPixel && outputPadding == 0 && SubPixel.applies(g, inputChannels: cin)
        let biasScalars = b?.scalars ?? []
        var y = Tensor(shape: [n, cout, g.height, g.width], count: n * cout * plane) { _ in }
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                biasScalars.withUnsafeBufferPointer { bp in
                    y.scalars.withUnsafeMutableBufferPointer { yp in
                        let (x0, w0, y0, bias) = (xp.baseAddress!, wp.baseAddress!, yp.baseAddress!, b == nil ? nil : bp.baseAddress)
                        Parallel.forEachShare(Parallel.shares(of: n, minimumPerShare: 2)) { _, share in
                            if subPixel {
                                SubPixel.transposedConvolution(x0 + share.lowerBound * cin * p, inputChannels: cin, batch: share.count,
                                                               weight: w0, bias: bias, g, into: y0 + share.lowerBound * g.imageSize)
                                return
                            }
                            // y = bias, then col2im adds W′ᵀ·x chunk by chunk.
                            for s in share { for c in 0..<cout { (y0 + (s * cout + c) * plane).update(repeating: bias?[c] ?? 0, count: plane) } }
                            let chunk = g.chunk(for: share.count, budget: ConvGeometry.cacheBudget)
                            var col = Scratch(g.rows * chunk * p), xcm = Scratch(cin * chunk * p)
                            forEachSampleChunk(share.count, size: chunk) { offset, bsz in
                                let start = share.lowerBound + offset
                                xcm.with { xc in
                                    col.with { c in
                                        ConvKernels.toChannelMajor(x0 + start * cin * p, channels: cin, batch: bsz, positions: p, xc)
                                        sgemm(transposeA: true, transposeB: false, m: g.rows, n: bsz * p, k: cin,
                                              a: w0, lda: g.rows, b: xc, ldb: bsz * p, c: c, ldc: bsz * p)
                                        ConvKernels.col2im(c, g, batch: bsz, y0 + start * g.imageSize)
                                    }
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
        try apply(x[0], x[1], x.count > 2 ? x[2] : nil)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], cin = input.shape[1], p = g.positions
        var dxScalars = [Float](unsafeUninitializedCapacity: needed[0] ? input.count : 0) { _, initialized in initialized = needed[0] ? input.count : 0 }
        let shares = Parallel.shares(of: n, minimumPerShare: 2)
        let planes = PhasePlanes(g)  // im2col's tables, once for every chunk
        // Each share's W̄ᵀ [Cout·kh·kw, Cin], added in share order afterwards (the same sum for the
        // same thread count), then transposed once.
        var partials = [Float](repeating: 0, count: needed[1] ? shares.count * w.count : 0)
        input.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    partials.withUnsafeMutableBufferPointer { pp in
                        dxScalars.withUnsafeMutableBufferPointer { dp in
                            let (x0, w0, g0) = (xp.baseAddress!, wp.baseAddress!, gp.baseAddress!)
                            let (partial0, dx0) = (needed[1] ? pp.baseAddress : nil, needed[0] ? dp.baseAddress : nil)
                            Parallel.forEachShare(shares) { index, share in
                                let chunk = g.chunk(for: share.count, budget: ConvGeometry.cacheBudget)
                                var col = Scratch(g.rows * chunk * p), xcm = Scratch(cin * chunk * p)
                                forEachSampleChunk(share.count, size: chunk) { offset, bsz in
                                    let start = share.lowerBound + offset, width = bsz * p
                                    col.with { c in
                                        ConvKernels.im2col(g0 + start * g.imageSize, planes, batch: bsz, c)
                                        xcm.with { xc in
                                            if let partial0 {
                                                // W̄ᵀ = col·xᵀ with x position-major, [B·P, Cin] (see Conv2dOp.vjp).
                                                ConvKernels.toPositionMajor(x0 + start * cin * p, channels: cin, batch: bsz, positions: p, xc)
                                                sgemm(transposeA: false, transposeB: false, m: g.rows, n: cin, k: width,
                                                      a: c, lda: width, b: xc, ldb: cin,
                                                      beta: 1, c: partial0 + index * w.count, ldc: cin)
                                            }
                                            if let dx0 {
                                                sgemm(transposeA: false, transposeB: false, m: cin, n: width, k: g.rows,
                                                      a: w0, lda: g.rows, b: c, ldb: width, c: xc, ldc: width)
                                                ConvKernels.fromChannelMajor(xc, channels: cin, batch: bsz, positions: p, bias: nil,
                                                                             dx0 + start * cin * p)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let dx = needed[0] ? Tensor(unchecked: input.shape, scalars: dxScalars) : nil
        let dw = needed[1] ? try Tensor(unchecked: [g.rows, cin], scalars: sumOfShares(partials, count: shares.count))
            .transposed().reshaped(w.shape) : nil
        var result: [Tensor?] = [dx, dw]
        if x.count > 2 { result.append(needed[2] ? channelSums(gy) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try apply(t0, x[1], nil)
    }
}

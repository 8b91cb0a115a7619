extension ConvKernels {
    /// patches[l, b, r] = image[b, c, …] for location l = (oh, ow) and r = (c, ki, kj); 0 outside.
    static func gatherPatches(_ image: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                              _ patches: UnsafeMutablePointer<Float>) {
        let kh = g.kernelHeight, kw = g.kernelWidth, ow = g.outWidth, h = g.height, w = g.width
        Parallel.forEachChunk(g.positions, minimumPerChunk: 4) { locations in
            for l in locations {
                let oy = l / ow, ox = l % ow
                for b in 0..<batch {
                    var dst = patches + (l * batch + b) * g.rows
                    for c in 0..<g.channels {
                        let src = image + (b * g.channels + c) * h * w
                        for ki in 0..<kh {
                            let ih = oy * g.stride - g.padding + ki
                            for kj in 0..<kw {
                                let iw = ox * g.stride - g.padding + kj
                                dst.pointee = (ih >= 0 && ih < h && iw >= 0 && iw < w) ? src[ih * w + iw] : 0
                                dst += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// image[b, c, …] += patches[l, b, r], the adjoint of `gatherPatches` (image pre-filled).
    static func scatterPatches(_ patches: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                               _ image: UnsafeMutablePointer<Float>) {
        let kh = g.kernelHeight, kw = g.kernelWidth, ow = g.outWidth, h = g.height, w = g.width
        Parallel.forEachChunk(g.channels) { channels in
            for c in channels {
                for l in 0..<g.positions {
                    let oy = l / ow, ox = l % ow
                    for b in 0..<batch {
                        let src = patches + (l * batch + b) * g.rows + c * kh * kw
                        let dst = image + (b * g.channels + c) * h * w
                        for ki in 0..<kh {
                            let ih = oy * g.stride - g.padding + ki
                            if ih < 0 || ih >= h { continue }
                            for kj in 0..<kw {
                                let iw = ox * g.stride - g.padding + kj
                                if iw >= 0 && iw < w { dst[ih * w + iw] += src[ki * kw + kj] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[l, b, c] = x[b, c, l]: [B, C, L] → [L, B, C].
    static func toLocationMajor(_ x: UnsafePointer<Float>, channels: Int, batch: Int, locations: Int,
                                _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<batch { for c in 0..<channels { for l in 0..<locations {
            out[(l * batch + b) * channels + c] = x[(b * channels + c) * locations + l]
        } } }
    }

    /// out[b, c, l] = x[l, b, c] + bias[c, l]: [L, B, C] → [B, C, L].
    static func fromLocationMajor(_ x: UnsafePointer<Float>, channels: Int, batch: Int, locations: Int,
                                  bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<batch { for c in 0..<channels { for l in 0..<locations {
            out[(b * channels + c) * locations + l] = x[(l * batch + b) * channels + c] + (bias?[c * locations + l] ?? 0)
        } } }
    }
}

/// Locally connected 2-D layer (a convolution without weight sharing), NCHW:
/// x [N, C, H, W], W [OH, OW, O, C, kh, kw] (one kernel per output location),
/// optional b [O, OH, OW]. y[n, :, l] = W_l · patch_l(xₙ) + b[:, l].
/// VJP: W̄_l = Σₙ ȳ[n, :, l] patch_lᵀ, x̄ = scatter(W_lᵀ ȳ), b̄ = Σₙ ȳ. JVP: the same map on ẋ.
struct LocallyConnected2dOp: Primitive {
    let stride: Int, padding: Int
    var name: String { "locally_connected2d" }

    func geometry(_ x: Tensor, _ w: Tensor) throws(EngineError) -> ConvGeometry {
        guard x.rank == 4, w.rank == 6, x.shape[1] == w.shape[3] else {
            throw .shapeMismatch(operation: "locally_connected2d (input [N, C, H, W], weight [OH, OW, O, C, kh, kw])", lhs: x.shape, rhs: w.shape)
        }
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelHeight: w.shape[4], kernelWidth: w.shape[5], stride: stride, padding: padding)
        guard stride > 0, g.outHeight == w.shape[0], g.outWidth == w.shape[1] else {
            throw .shapeMismatch(operation: "locally_connected2d (weight locations must match the output size)", lhs: x.shape, rhs: w.shape)
        }
        return g
    }

    func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws(EngineError) -> Tensor {
        let g = try geometry(x, w)
        let n = x.shape[0], o = w.shape[2], l = g.positions, r = g.rows
        if let b, b.shape != [o, g.outHeight, g.outWidth] {
            throw .shapeMismatch(operation: "locally_connected2d (weight, bias [O, OH, OW])", lhs: w.shape, rhs: b.shape)
        }
        var y = try Tensor.zeros([n, o, g.outHeight, g.outWidth])
        let chunk = g.chunk(for: n)
        var patches = Scratch(l * chunk * r)
        var prod = Scratch(l * chunk * o)
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                y.scalars.withUnsafeMutableBufferPointer { yp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        patches.with { pp in
                            ConvKernels.gatherPatches(xp.baseAddress! + start * g.imageSize, g, batch: bsz, pp)
                            prod.with { pr in
                                for loc in 0..<l {
                                    sgemm(transposeA: false, transposeB: true, m: bsz, n: o, k: r,
                                          a: pp + loc * bsz * r, lda: r, b: wp.baseAddress! + loc * o * r, ldb: r,
                                          c: pr + loc * bsz * o, ldc: o)
                                }
                                if let b {
                                    b.scalars.withUnsafeBufferPointer { bp in
                                        ConvKernels.fromLocationMajor(pr, channels: o, batch: bsz, locations: l,
                                                                      bias: bp.baseAddress!, yp.baseAddress! + start * o * l)
                                    }
                                } else {
                                    ConvKernels.fromLocationMajor(pr, channels: o, batch: bsz, locations: l,
                                                                  bias: nil, yp.baseAddress! + start * o * l)
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor { try apply(x[0], x[1], x.count > 2 ? x[2] : nil) }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], o = w.shape[2], l = g.positions, r = g.rows
        var dx = needed[0] ? try Tensor.zeros(input.shape) : nil
        var dw = needed[1] ? try Tensor.zeros(w.shape) : nil
        let chunk = g.chunk(for: n)
        var patches = Scratch(l * chunk * r)
        var gl = Scratch(l * chunk * o)
        input.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        gl.with { gm in
                            ConvKernels.toLocationMajor(gp.baseAddress! + start * o * l, channels: o, batch: bsz, locations: l, gm)
                            patches.with { pp in
                                if dw != nil {
                                    ConvKernels.gatherPatches(xp.baseAddress! + start * g.imageSize, g, batch: bsz, pp)
                                    dw!.scalars.withUnsafeMutableBufferPointer { dwp in
                                        for loc in 0..<l {
                                            sgemm(transposeA: true, transposeB: false, m: o, n: r, k: bsz,
                                                  a: gm + loc * bsz * o, lda: o, b: pp + loc * bsz * r, ldb: r,
                                                  beta: 1, c: dwp.baseAddress! + loc * o * r, ldc: r)
                                        }
                                    }
                                }
                                if dx != nil {
                                    for loc in 0..<l {
                                        sgemm(transposeA: false, transposeB: false, m: bsz, n: r, k: o,
                                              a: gm + loc * bsz * o, lda: o, b: wp.baseAddress! + loc * o * r, ldb: r,
                                              c: pp + loc * bsz * r, ldc: r)
                                    }
                                    dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                                        ConvKernels.scatterPatches(pp, g, batch: bsz, dxp.baseAddress! + start * g.imageSize)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var result: [Tensor?] = [dx, dw]
        if x.count > 2 { result.append(needed[2] ? try gy.sum(axis: 0) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try apply(t0, x[1], nil)
    }
}

/// Transposed locally connected 2-D layer (the adjoint geometry of a transposed
/// convolution, one kernel per input location), NCHW: x [N, Cin, H, W],
/// W [H, W, Cin, Cout, kh, kw], optional b [Cout, OH, OW], OH = (H − 1)·s − 2·pad + kh.
/// y = scatter(W_lᵀ x[:, :, l]) + b. VJP: x̄_l = W_l · gather_l(ȳ), W̄_l = Σₙ x_l gather_l(ȳ)ᵀ.
struct LocallyConnectedTranspose2dOp: Primitive {
    let stride: Int, padding: Int
    var name: String { "locally_connected_transpose2d" }

    func geometry(_ x: Tensor, _ w: Tensor) throws(EngineError) -> ConvGeometry {
        guard x.rank == 4, w.rank == 6, x.shape[1] == w.shape[2], w.shape[0] == x.shape[2], w.shape[1] == x.shape[3] else {
            throw .shapeMismatch(operation: "locally_connected_transpose2d (input [N, Cin, H, W], weight [H, W, Cin, Cout, kh, kw])", lhs: x.shape, rhs: w.shape)
        }
        let oh = (x.shape[2] - 1) * stride - 2 * padding + w.shape[4]
        let ow = (x.shape[3] - 1) * stride - 2 * padding + w.shape[5]
        guard stride > 0, oh > 0, ow > 0 else {
            throw .invalidArgument("locally_connected_transpose2d: no output for input \(x.shape) and weight \(w.shape)")
        }
        let g = ConvGeometry(channels: w.shape[3], height: oh, width: ow,
                             kernelHeight: w.shape[4], kernelWidth: w.shape[5], stride: stride, padding: padding)
        guard g.outHeight == x.shape[2], g.outWidth == x.shape[3] else {
            throw .invalidArgument("locally_connected_transpose2d: geometry does not round-trip for input \(x.shape)")
        }
        return g
    }

    func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws(EngineError) -> Tensor {
        let g = try geometry(x, w)
        let n = x.shape[0], cin = x.shape[1], l = g.positions, r = g.rows, cout = g.channels
        if let b, b.shape != [cout, g.height, g.width] {
            throw .shapeMismatch(operation: "locally_connected_transpose2d (weight, bias [Cout, OH, OW])", lhs: w.shape, rhs: b.shape)
        }
        var y = try Tensor.zeros([n, cout, g.height, g.width])
        let chunk = g.chunk(for: n)
        var patches = Scratch(l * chunk * r)
        var xl = Scratch(l * chunk * cin)
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                y.scalars.withUnsafeMutableBufferPointer { yp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        xl.with { xm in
                            ConvKernels.toLocationMajor(xp.baseAddress! + start * cin * l, channels: cin, batch: bsz, locations: l, xm)
                            patches.with { pp in
                                for loc in 0..<l {
                                    sgemm(transposeA: false, transposeB: false, m: bsz, n: r, k: cin,
                                          a: xm + loc * bsz * cin, lda: cin, b: wp.baseAddress! + loc * cin * r, ldb: r,
                                          c: pp + loc * bsz * r, ldc: r)
                                }
                                ConvKernels.scatterPatches(pp, g, batch: bsz, yp.baseAddress! + start * g.imageSize)
                            }
                        }
                    }
                    if let b {
                        for s in 0..<n { for i in 0..<g.imageSize { yp[s * g.imageSize + i] += b.scalars[i] } }
                    }
                }
            }
        }
        return y
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor { try apply(x[0], x[1], x.count > 2 ? x[2] : nil) }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let input = x[0], w = x[1]
        let g = try geometry(input, w)
        let n = input.shape[0], cin = input.shape[1], l = g.positions, r = g.rows
        var dx = needed[0] ? try Tensor.zeros(input.shape) : nil
        var dw = needed[1] ? try Tensor.zeros(w.shape) : nil
        let chunk = g.chunk(for: n)
        var patches = Scratch(l * chunk * r)
        var xl = Scratch(l * chunk * cin)
        input.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        patches.with { pp in
                            ConvKernels.gatherPatches(gp.baseAddress! + start * g.imageSize, g, batch: bsz, pp)
                            xl.with { xm in
                                if dw != nil {
                                    ConvKernels.toLocationMajor(xp.baseAddress! + start * cin * l, channels: cin, batch: bsz, locations: l, xm)
                                    dw!.scalars.withUnsafeMutableBufferPointer { dwp in
                                        for loc in 0..<l {
                                            sgemm(transposeA: true, transposeB: false, m: cin, n: r, k: bsz,
                                                  a: xm + loc * bsz * cin, lda: cin, b: pp + loc * bsz * r, ldb: r,
                                                  beta: 1, c: dwp.baseAddress! + loc * cin * r, ldc: r)
                                        }
                                    }
                                }
                                if dx != nil {
                                    for loc in 0..<l {
                                        sgemm(transposeA: false, transposeB: true, m: bsz, n: cin, k: r,
                                              a: pp + loc * bsz * r, lda: r, b: wp.baseAddress! + loc * cin * r, ldb: r,
                                              c: xm + loc * bsz * cin, ldc: cin)
                                    }
                                    dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                                        ConvKernels.fromLocationMajor(xm, channels: cin, batch: bsz, locations: l, bias: nil,
                                                                      dxp.baseAddress! + start * cin * l)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var result: [Tensor?] = [dx, dw]
        if x.count > 2 { result.append(needed[2] ? try gy.sum(axis: 0) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try apply(t0, x[1], nil)
    }
}

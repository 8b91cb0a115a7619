/// The tent interpolation weights of a graph convolution: for every target node, which source
/// node contributes to which kernel anchor, by how much, and how that weight changes with the
/// offset between the two nodes' positions.
///
/// The weight of source j for anchor u at target i is Π_d h(p_j,d − q_i,d − u_d) with
/// h(t) = max(0, 1 − |t|): 1 when the offset equals the anchor, falling linearly to 0 one unit
/// away. On an integer grid it selects exactly one anchor per neighbour, which makes the layer
/// a convolution.
struct GraphConvTaps {
    /// Taps of target i: `first[i]..<first[i + 1]`.
    var first: [Int] = [0]
    var source: [Int] = []
    var anchor: [Int] = []
    var weight: [Float] = []
    /// ∂weight/∂offset, `dimensions` per tap.
    var slope: [Float] = []
    let dimensions: Int

    init(sources p: Tensor, targets q: Tensor, neighbours: NodeNeighbours, anchors u: Tensor) {
        let d = u.shape[1], m = u.shape[0]
        dimensions = d
        var t = [Float](repeating: 0, count: d), h = [Float](repeating: 0, count: d)
        for i in 0..<neighbours.targets {
            for j32 in neighbours.neighbours(of: i) {
                let j = Int(j32)
                for a in 0..<m {
                    var inside = true
                    for k in 0..<d {
                        t[k] = p.scalars[j * d + k] - q.scalars[i * d + k] - u.scalars[a * d + k]
                        h[k] = 1 - abs(t[k])
                        if h[k] <= 0 { inside = false; break }
                    }
                    guard inside else { continue }
                    source.append(j)
                    anchor.append(a)
                    weight.append(h.reduce(1, *))
                    for k in 0..<d {
                        // d/dt of (1 − |t|) is −sign t; 0 at the kink t = 0 (its symmetric subgradient).
                        var others: Float = t[k] > 0 ? -1 : (t[k] < 0 ? 1 : 0)
                        for other in 0..<d where other != k { others *= h[other] }
                        slope.append(others)
                    }
                }
            }
            first.append(source.count)
        }
    }
}

/// A graph convolution between node sets placed in an embedding space (the SCGE aggregation):
/// x [N, C, S] on S source nodes, W [O, C, M] over M kernel anchors, source positions
/// P [S + Q, d] (the last Q nodes are padding, with value 0), target positions Q [T, d],
/// optional b [O]; y [N, O, T] with
///   y[n, o, i] = b[o] + Σ_{j ∈ nbr(i)} Σ_m h(p_j − q_i − u_m) Σ_c W[o, c, m] x[n, c, j].
/// With positions on the pixel grid and anchors the kernel's offsets it is a Conv2d.
/// VJP for x, W, b and both position sets (through the tent weights; the neighbour table is
/// held fixed); JVP for x.
struct GraphConvOp: Primitive {
    let neighbours: NodeNeighbours
    /// Kernel anchor offsets [M, d].
    let anchors: Tensor
    var name: String { "graph_conv" }

    struct Geometry {
        let channels: Int, sources: Int, positions: Int, targets: Int, outputs: Int, anchors: Int
        /// Columns of the gathered matrix: M·C, anchor-major.
        var columns: Int { anchors * channels }
        /// Samples per chunk so one chunk's gathered matrix stays near 4 MB.
        func chunk(for batch: Int) -> Int { max(1, min(batch, (1 << 20) / max(1, targets * columns))) }
    }

    func geometry(_ x: [Tensor]) throws(EngineError) -> Geometry {
        let input = x[0], w = x[1], p = x[2], q = x[3]
        let d = anchors.rank == 2 ? anchors.shape[1] : 0
        guard input.rank == 3, w.rank == 3, w.shape[1] == input.shape[1], w.shape[2] == anchors.shape[0] else {
            throw .shapeMismatch(operation: "graph_conv (input [N, C, nodes], weight [O, C, anchors])", lhs: input.shape, rhs: w.shape)
        }
        guard p.rank == 2, q.rank == 2, p.shape[1] == d, q.shape[1] == d, p.shape[0] >= input.shape[2],
              q.shape[0] == neighbours.targets, neighbours.indices.allSatisfy({ Int($0) < p.shape[0] && $0 >= 0 }) else {
            throw .shapeMismatch(operation: "graph_conv (source positions [nodes + padding, d], target positions [targets, d])",
                                 lhs: p.shape, rhs: q.shape)
        }
        if x.count > 4, x[4].shape != [w.shape[0]] {
            throw .shapeMismatch(operation: "graph_conv (weight, bias [O])", lhs: w.shape, rhs: x[4].shape)
        }
        return Geometry(channels: input.shape[1], sources: input.shape[2], positions: p.shape[0], targets: q.shape[0],
                        outputs: w.shape[0], anchors: anchors.shape[0])
    }

    /// W [O, C, M] → [O, M·C] (anchor-major columns, as gathered), and back.
    static func anchorMajor(_ w: [Float], outputs: Int, channels: Int, anchors: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w.count)
        for o in 0..<outputs { for c in 0..<channels { for m in 0..<anchors {
            out[(o * anchors + m) * channels + c] = w[(o * channels + c) * anchors + m]
        } } }
        return out
    }
    static func channelMajor(_ w: [Float], outputs: Int, channels: Int, anchors: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w.count)
        for o in 0..<outputs { for c in 0..<channels { for m in 0..<anchors {
            out[(o * channels + c) * anchors + m] = w[(o * anchors + m) * channels + c]
        } } }
        return out
    }

    /// gathered[i, b, m·C + c] = Σ taps(i → j, m) weight · x[b, c, j], from node-major x [S, B, C].
    static func gather(_ xt: UnsafePointer<Float>, _ taps: GraphConvTaps, _ g: Geometry, batch: Int,
                       _ gathered: UnsafeMutablePointer<Float>) {
        let c = g.channels, cols = g.columns
        Parallel.forEachChunk(g.targets, minimumPerChunk: 8) { rows in
            for i in rows {
                let row = gathered + i * batch * cols
                row.update(repeating: 0, count: batch * cols)
                for tap in taps.first[i]..<taps.first[i + 1] where taps.source[tap] < g.sources {
                    let a = taps.weight[tap], j = taps.source[tap], m = taps.anchor[tap]
                    for b in 0..<batch {
                        let src = xt + (j * batch + b) * c, dst = row + b * cols + m * c
                        for k in 0..<c { dst[k] += a * src[k] }
                    }
                }
            }
        }
    }

    func apply(_ x: Tensor, _ w: Tensor, _ p: Tensor, _ q: Tensor, _ bias: Tensor?) throws(EngineError) -> Tensor {
        var inputs = [x, w, p, q]
        if let bias { inputs.append(bias) }
        let g = try geometry(inputs)
        let n = x.shape[0], chunk = g.chunk(for: n)
        let taps = GraphConvTaps(sources: p, targets: q, neighbours: neighbours, anchors: anchors)
        let wm = Self.anchorMajor(w.scalars, outputs: g.outputs, channels: g.channels, anchors: g.anchors)
        var y = try Tensor.zeros([n, g.outputs, g.targets])
        var xt = Scratch(g.sources * chunk * g.channels)
        var gathered = Scratch(g.targets * chunk * g.columns)
        var product = Scratch(g.targets * chunk * g.outputs)
        x.scalars.withUnsafeBufferPointer { xp in
            wm.withUnsafeBufferPointer { wp in
                y.scalars.withUnsafeMutableBufferPointer { yp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        xt.with { xtp in
                            ConvKernels.toLocationMajor(xp.baseAddress! + start * g.channels * g.sources, channels: g.channels,
                                                        batch: bsz, locations: g.sources, xtp)
                            gathered.with { gp in
                                Self.gather(xtp, taps, g, batch: bsz, gp)
                                product.with { pr in
                                    sgemm(transposeA: false, transposeB: true, m: g.targets * bsz, n: g.outputs, k: g.columns,
                                          a: gp, lda: g.columns, b: wp.baseAddress!, ldb: g.columns, c: pr, ldc: g.outputs)
                                    ConvKernels.fromLocationMajor(pr, channels: g.outputs, batch: bsz, locations: g.targets,
                                                                  bias: nil, yp.baseAddress! + start * g.outputs * g.targets)
                                }
                            }
                        }
                    }
                    if let bias {
                        for s in 0..<n { for o in 0..<g.outputs {
                            let plane = yp.baseAddress! + (s * g.outputs + o) * g.targets
                            for i in 0..<g.targets { plane[i] += bias.scalars[o] }
                        } }
                    }
                }
            }
        }
        return y
    }

    func forward(_ x: [Tensor]) throws(EngineError) -> Tensor {
        try apply(x[0], x[1], x[2], x[3], x.count > 4 ? x[4] : nil)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ gy: Tensor, _ needed: [Bool]) throws(EngineError) -> [Tensor?] {
        let g = try geometry(x)
        let input = x[0], p = x[2], q = x[3], n = input.shape[0], chunk = g.chunk(for: n)
        let taps = GraphConvTaps(sources: p, targets: q, neighbours: neighbours, anchors: anchors)
        let wm = Self.anchorMajor(x[1].scalars, outputs: g.outputs, channels: g.channels, anchors: g.anchors)
        let wantsWeight = needed[1], wantsPositions = needed[2] || needed[3]
        var dx = needed[0] ? try Tensor.zeros(input.shape) : nil
        var dwm = [Float](repeating: 0, count: wantsWeight ? wm.count : 0)
        // ∂L/∂tap weight, summed over samples and channels.
        var dtap = [Float](repeating: 0, count: wantsPositions ? taps.weight.count : 0)
        var xt = Scratch(g.sources * chunk * g.channels)
        var gathered = Scratch(g.targets * chunk * g.columns)
        var dgathered = Scratch(g.targets * chunk * g.columns)
        var gl = Scratch(g.targets * chunk * g.outputs)
        var dxt = Scratch(g.sources * chunk * g.channels)
        input.scalars.withUnsafeBufferPointer { xp in
            wm.withUnsafeBufferPointer { wp in
                gy.scalars.withUnsafeBufferPointer { gp in
                    forEachSampleChunk(n, size: chunk) { start, bsz in
                        let c = g.channels, cols = g.columns
                        gl.with { gm in
                            ConvKernels.toLocationMajor(gp.baseAddress! + start * g.outputs * g.targets, channels: g.outputs,
                                                        batch: bsz, locations: g.targets, gm)
                            xt.with { xtp in
                                ConvKernels.toLocationMajor(xp.baseAddress! + start * c * g.sources, channels: c,
                                                            batch: bsz, locations: g.sources, xtp)
                                if wantsWeight {
                                    gathered.with { gath in
                                        Self.gather(xtp, taps, g, batch: bsz, gath)
                                        dwm.withUnsafeMutableBufferPointer { dw in
                                            sgemm(transposeA: true, transposeB: false, m: g.outputs, n: cols, k: g.targets * bsz,
                                                  a: gm, lda: g.outputs, b: gath, ldb: cols, beta: 1, c: dw.baseAddress!, ldc: cols)
                                        }
                                    }
                                }
                                guard dx != nil || wantsPositions else { return }
                                dgathered.with { dg in
                                    sgemm(transposeA: false, transposeB: false, m: g.targets * bsz, n: cols, k: g.outputs,
                                          a: gm, lda: g.outputs, b: wp.baseAddress!, ldb: cols, c: dg, ldc: cols)
                                    if wantsPositions {
                                        dtap.withUnsafeMutableBufferPointer { dt in
                                            let dtp = dt.baseAddress!
                                            Parallel.forEachChunk(g.targets, minimumPerChunk: 8) { rows in
                                                for i in rows {
                                                    for tap in taps.first[i]..<taps.first[i + 1] where taps.source[tap] < g.sources {
                                                        let j = taps.source[tap], m = taps.anchor[tap]
                                                        var s: Float = 0
                                                        for b in 0..<bsz {
                                                            let gr = dg + (i * bsz + b) * cols + m * c, xr = xtp + (j * bsz + b) * c
                                                            for k in 0..<c { s += gr[k] * xr[k] }
                                                        }
                                                        dtp[tap] += s
                                                    }
                                                }
                                            }
                                        }
                                    }
                                    guard dx != nil else { return }
                                    dxt.with { dxtp in
                                        dxtp.update(repeating: 0, count: g.sources * bsz * c)
                                        // Samples are independent: each thread scatters its own.
                                        Parallel.forEachChunk(bsz) { samples in
                                            for i in 0..<g.targets {
                                                for tap in taps.first[i]..<taps.first[i + 1] where taps.source[tap] < g.sources {
                                                    let a = taps.weight[tap], j = taps.source[tap], m = taps.anchor[tap]
                                                    for b in samples {
                                                        let src = dg + (i * bsz + b) * cols + m * c, dst = dxtp + (j * bsz + b) * c
                                                        for k in 0..<c { dst[k] += a * src[k] }
                                                    }
                                                }
                                            }
                                        }
                                        dx!.scalars.withUnsafeMutableBufferPointer { dxp in
                                            ConvKernels.fromLocationMajor(dxtp, channels: c, batch: bsz, locations: g.sources, bias: nil,
                                                                          dxp.baseAddress! + start * c * g.sources)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dp: Tensor?, dq: Tensor?
        if wantsPositions {
            let d = taps.dimensions
            var sp = [Float](repeating: 0, count: p.count), sq = [Float](repeating: 0, count: q.count)
            for i in 0..<g.targets {
                for tap in taps.first[i]..<taps.first[i + 1] {
                    let j = taps.source[tap]
                    for k in 0..<d {
                        // The tap's weight depends on the offset p_j − q_i.
                        let v = dtap[tap] * taps.slope[tap * d + k]
                        sp[j * d + k] += v
                        sq[i * d + k] -= v
                    }
                }
            }
            dp = needed[2] ? Tensor(unchecked: p.shape, scalars: sp) : nil
            dq = needed[3] ? Tensor(unchecked: q.shape, scalars: sq) : nil
        }
        let dw = wantsWeight
            ? Tensor(unchecked: x[1].shape, scalars: Self.channelMajor(dwm, outputs: g.outputs, channels: g.channels, anchors: g.anchors))
            : nil
        var result: [Tensor?] = [dx, dw, dp, dq]
        if x.count > 4 { result.append(needed[4] ? channelSums(gy) : nil) }
        return result
    }

    func jvp(_ x: [Tensor], _ y: Tensor, _ t: [Tensor?], _ k: Int) throws(EngineError) -> Tensor {
        guard let t0 = t[0] else { return try Tensor.zeros(Tangents.shape(of: y.shape, k: k)) }
        return try apply(t0, x[1], x[2], x[3], nil)
    }
}

/// A graph convolution (see `GraphConvOp`): x [N, C, S], weight [O, C, M], bias [O], source
/// positions [S + padding, d], target positions [T, d], neighbours of each target among the
/// sources, anchors [M, d] → [N, O, T].
public func graphConv(_ x: Variable, weight: Variable, bias: Variable?, sources: Variable, targets: Variable,
                      neighbours: NodeNeighbours, anchors: Tensor) throws(EngineError) -> Variable {
    guard anchors.rank == 2, anchors.shape[0] > 0 else {
        throw .invalidArgument("graph_conv: anchors must be [M, d] with M ≥ 1, got \(anchors.shape)")
    }
    let inputs = [x, weight, sources, targets] + (bias.map { [$0] } ?? [])
    return try Variable.apply(GraphConvOp(neighbours: neighbours, anchors: anchors), inputs)
}

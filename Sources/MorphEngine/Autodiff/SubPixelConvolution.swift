/// A transposed convolution whose stride divides its kernel, computed as s² ordinary
/// convolutions, one per output phase (the pixels whose row and column leave the same
/// remainders mod s), written straight into the output: no column matrix of Cout·k² rows and no
/// col2im.
///
/// Output pixel (s·u + ry, s·v + rx) only meets the kernel taps ky ≡ ry + pad (mod s), at input
/// row iy = u + ⌊(ry + pad) / s⌋ − t for tap ky = s·t + (ry + pad) mod s, t < kh / s; columns
/// alike. Each phase is then a product of Cout × (Cin·(kh/s)·(kw/s)) phase weights with the
/// input's shifted windows (contiguous runs from a zero-bordered copy of each channel). Its
/// columns hold Cin·k²·H·W / s² values per sample against col2im's Cout·k²·H·W / s², so it pays
/// when Cin ≤ Cout.
enum SubPixel {
    /// Whether a transposed convolution from `inputChannels` to geometry g takes this form.
    static func applies(_ g: ConvGeometry, inputChannels: Int) -> Bool {
        g.stride > 1 && g.kernelHeight % g.stride == 0 && g.kernelWidth % g.stride == 0 && inputChannels <= g.channels
    }

    /// One output phase: its remainders, its output grid, and where its taps start in the input.
    struct Phase {
        let ry: Int, rx: Int
        let rows: Int, columns: Int
        let offsetY: Int, offsetX: Int
        /// Kernel tap remainders: the phase uses taps (s·t + my, s·t′ + mx).
        let my: Int, mx: Int
        var positions: Int { rows * columns }
    }

    /// The phases with at least one output pixel.
    static func phases(_ g: ConvGeometry) -> [Phase] {
        let s = g.stride
        var result: [Phase] = []
        for ry in 0..<s {
            for rx in 0..<s {
                let rows = (g.height - ry + s - 1) / s, columns = (g.width - rx + s - 1) / s
                guard rows > 0, columns > 0 else { continue }
                result.append(Phase(ry: ry, rx: rx, rows: rows, columns: columns,
                                    offsetY: (ry + g.padding) / s, offsetX: (rx + g.padding) / s,
                                    my: (ry + g.padding) % s, mx: (rx + g.padding) % s))
            }
        }
        return result
    }

    /// image[b] = convT(x[b]) (+ bias) for b < batch: x [B, Ci, g.outHeight, g.outWidth] (NCHW),
    /// w [Ci, Co, kh, kw] with Co = g.channels, image [B, Co, g.height, g.width]; every output
    /// element is written. Per chunk of samples, all phases' windows are gathered in one pass,
    /// multiplied back to back, and written out in one pass.
    static func transposedConvolution(_ x: UnsafePointer<Float>, inputChannels ci: Int, batch: Int,
                                      weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                      _ g: ConvGeometry, into image: UnsafeMutablePointer<Float>) {
        let s = g.stride, co = g.channels, kh = g.kernelHeight, kw = g.kernelWidth
        let (th, tw) = (kh / s, kw / s), depth = ci * th * tw
        let phases = self.phases(g)
        let perSample = phases.reduce(0) { $0 + $1.positions }
        // Phase weights, phase after phase: [Co, (ci, t, t′)] = W[ci, co, s·t + my, s·t′ + mx].
        var phaseWeights = Scratch(phases.count * co * depth)
        phaseWeights.with { pw0 in
            for (q, phase) in phases.enumerated() {
                let pw = pw0 + q * co * depth
                for o in 0..<co {
                    for c in 0..<ci {
                        for t in 0..<th {
                            for t2 in 0..<tw {
                                pw[o * depth + (c * th + t) * tw + t2] = w[((c * co + o) * kh + s * t + phase.my) * kw + s * t2 + phase.mx]
                            }
                        }
                    }
                }
            }
        }
        let windows = ShiftedWindows(height: g.outHeight, width: g.outWidth, tapsHigh: th, tapsWide: tw, phases: phases)
        let chunk = max(1, min(batch, ConvGeometry.cacheBudget / max(1, depth * perSample)))
        var col = Scratch(depth * chunk * perSample), product = Scratch(co * chunk * perSample)
        phaseWeights.with { pw0 in
            col.with { c in
                product.with { pr in
                    forEachSampleChunk(batch, size: chunk) { start, bsz in
                        windows.gather(x + start * ci * g.outHeight * g.outWidth, channels: ci, batch: bsz, into: c)
                        var offset = 0
                        for (q, phase) in phases.enumerated() {
                            let n = bsz * phase.positions
                            sgemm(transposeA: false, transposeB: false, m: co, n: n, k: depth,
                                  a: pw0 + q * co * depth, lda: depth, b: c + depth * offset, ldb: n,
                                  c: pr + co * offset, ldc: n)
                            offset += n
                        }
                        scatter(pr, phases: phases, channels: co, batch: bsz, bias: bias, g,
                                into: image + start * co * g.height * g.width)
                    }
                }
            }
        }
    }

    /// image[b, o, s·u + ry, s·v + rx] = product of phase (ry, rx) at [o, b·U·V + u·V + v] (+ bias[o]),
    /// the phases' products [Co, B·U·V] one after another.
    private static func scatter(_ products: UnsafePointer<Float>, phases: [Phase], channels: Int, batch: Int,
                                bias: UnsafePointer<Float>?, _ g: ConvGeometry, into image: UnsafeMutablePointer<Float>) {
        let s = g.stride, plane = g.height * g.width
        var starts: [Int] = [], offset = 0
        for phase in phases { starts.append(offset); offset += channels * batch * phase.positions }
        starts.withUnsafeBufferPointer { starts in
            Parallel.forEachChunk(batch, minimumPerChunk: 2) { samples in
                for b in samples {
                    for (q, phase) in phases.enumerated() {
                        let positions = phase.positions
                        for o in 0..<channels {
                            let add = bias?[o] ?? 0
                            let src = products + starts[q] + (o * batch + b) * positions
                            let dst = image + (b * channels + o) * plane + phase.ry * g.width + phase.rx
                            for u in 0..<phase.rows {
                                let (from, to) = (src + u * phase.columns, dst + u * s * g.width)
                                for v in 0..<phase.columns { to[v * s] = from[v] + add }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The shifted windows of the phases of a sub-pixel transposed convolution: for phase q, output
/// (u, v) and tap (t, t′), the input pixel (u + offsetY − t, v + offsetX − t′), zero outside.
struct ShiftedWindows {
    let height: Int, width: Int, tapsHigh: Int, tapsWide: Int
    let phases: [SubPixel.Phase]

    /// For each phase, col[(c, t, t′), b·U·V + u·V + v], the phases' blocks [rows, B·U·V] one
    /// after another; each input channel is copied once into a zero-bordered buffer.
    func gather(_ x: UnsafePointer<Float>, channels: Int, batch: Int, into col: UnsafeMutablePointer<Float>) {
        let (h, w, th, tw) = (height, width, tapsHigh, tapsWide)
        let depth = channels * th * tw
        // A zero border wide enough for every window: the lowest index is offset − (taps − 1)
        // and the highest (rows − 1) + offset.
        let top = phases.map { max(0, th - 1 - $0.offsetY) }.max() ?? 0
        let left = phases.map { max(0, tw - 1 - $0.offsetX) }.max() ?? 0
        let paddedHeight = phases.map { $0.rows + $0.offsetY }.reduce(h, max) + top
        let paddedWidth = phases.map { $0.columns + $0.offsetX }.reduce(w, max) + left
        var starts: [Int] = [], offset = 0
        for phase in phases { starts.append(offset); offset += depth * batch * phase.positions }
        let paddedSize = paddedHeight * paddedWidth
        starts.withUnsafeBufferPointer { starts in
            // As in im2col: a channel's padded copies for every sample, then each row start to end.
            forEachChannelBlock(channels: channels, batch: batch) { channelRange, samples in
                var scratch = [Float](repeating: 0, count: paddedSize * samples.count)
                scratch.withUnsafeMutableBufferPointer { sp in
                    let padded = sp.baseAddress!
                    for c in channelRange {
                        for (i, b) in samples.enumerated() {
                            let channel = x + (b * channels + c) * h * w
                            for y in 0..<h { (padded + i * paddedSize + (y + top) * paddedWidth + left).update(from: channel + y * w, count: w) }
                        }
                        for (q, phase) in phases.enumerated() {
                            let rowStride = batch * phase.positions
                            for t in 0..<th {
                                for t2 in 0..<tw {
                                    let window = (phase.offsetY - t + top) * paddedWidth + phase.offsetX - t2 + left
                                    var dst = col + starts[q] + ((c * th + t) * tw + t2) * rowStride + samples.lowerBound * phase.positions
                                    for i in 0..<samples.count {
                                        var src = UnsafePointer(padded) + i * paddedSize + window
                                        for _ in 0..<phase.rows {
                                            copyRun(src, dst, phase.columns)
                                            src += paddedWidth
                                            dst += phase.columns
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
}

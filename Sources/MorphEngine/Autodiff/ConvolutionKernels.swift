/// The geometry of a 2-D convolution between an image side [C, H, W] and a column side
/// of outH × outW kernel positions (for a transposed convolution the image is its output).
struct ConvGeometry: Equatable {
    let channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int

    var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Rows of the column matrix: C·kh·kw.
    var rows: Int { channels * kernelHeight * kernelWidth }
    /// Kernel positions per sample: outH·outW.
    var positions: Int { outHeight * outWidth }
    /// Image elements per sample.
    var imageSize: Int { channels * height * width }

    /// A column budget (floats) for operations that fill columns and consume them straight away
    /// (im2col then sgemm, sgemm then col2im), so they stay in cache in between: 64 KB for a
    /// thread working alone, as at one thread or in a share of `Parallel.forEachShare`, 4 MB for
    /// products threaded by OpenBLAS, which must be big enough to be worth waking its workers.
    /// Chunks this small keep most products under a million multiply-adds, where OpenBLAS runs its
    /// small-matrix kernels, which read the operands in place instead of packing them first: the
    /// ConvAutoEncoder epoch ≈ 7 % faster at one thread than with 1 MB chunks (32 KB and 128 KB
    /// chunks, or a budget of a million multiply-adds per product, were no better; 16 KB slower).
    static var cacheBudget: Int { BLAS.threadCount == 1 ? 1 << 14 : 1 << 20 }

    /// Samples per chunk so that one chunk's columns stay under `budget` floats (16 MB by default).
    func chunk(for batch: Int, budget: Int = 4 << 20) -> Int {
        max(1, min(batch, budget / max(1, rows * positions)))
    }
}

/// im2col / col2im and layout transposes, on raw buffers, parallel over disjoint outputs.
enum ConvKernels {
    /// The output columns x whose input column x·s − pad + k lies in [0, w): lo..<hi.
    @inline(__always)
    static func validRange(size w: Int, outSize ow: Int, stride s: Int, offset: Int) -> (lo: Int, hi: Int) {
        // need 0 ≤ x·s + offset < w
        var lo = offset >= 0 ? 0 : (-offset + s - 1) / s
        var hi = w - 1 - offset < 0 ? 0 : (w - 1 - offset) / s + 1
        lo = min(lo, ow)
        hi = max(lo, min(hi, ow))
        return (lo, hi)
    }

    /// For each kernel offset along one axis, the output positions whose input lies inside the
    /// image (computed once per call: the divisions stay out of the loops).
    static func validRanges(size: Int, outSize: Int, kernel: Int, stride: Int, padding: Int) -> [(lo: Int, hi: Int)] {
        (0..<kernel).map { validRange(size: size, outSize: outSize, stride: stride, offset: $0 - padding) }
    }

    /// col[r, b·P + p] = image[b, c, oh·s − pad + ki, ow·s − pad + kj] (0 outside), r = (c, ki, kj).
    ///
    /// Each channel is first split into s × s zero-bordered phase planes (the pixels whose row
    /// and column leave the same remainders mod s), so every column row is a window of one plane
    /// and its oh rows are contiguous runs of ow floats: copies that vectorise, with no edge tests.
    /// A channel's planes are made for every sample first, then each column row is written from
    /// start to end (one stream at a time, not kh·kw·C streams advanced a sample at a time).
    /// `planes` holds the geometry and its tables, made once per operation (not per chunk).
    static func im2col(_ image: UnsafePointer<Float>, _ planes: PhasePlanes, batch: Int,
                       _ col: UnsafeMutablePointer<Float>) {
        let g = planes.geometry, offsets = planes.windowStarts
        let p = g.positions, oh = g.outHeight, ow = g.outWidth
        let kh = g.kernelHeight, kw = g.kernelWidth, rowStride = batch * p
        forEachChannelBlock(channels: g.channels, batch: batch) { channels, samples in
            var scratch = [Float](repeating: 0, count: planes.count * samples.count)
            scratch.withUnsafeMutableBufferPointer { sp in
                let plane0 = sp.baseAddress!
                for c in channels {
                    for (i, b) in samples.enumerated() {
                        planes.split(image + (b * g.channels + c) * g.height * g.width, into: plane0 + i * planes.count)
                    }
                    for (tap, offset) in offsets.enumerated() {
                        var dst = col + (c * kh * kw + tap) * rowStride + samples.lowerBound * p
                        for i in 0..<samples.count {
                            var src = UnsafePointer(plane0) + i * planes.count + offset
                            for _ in 0..<oh {
                                copyRun(src, dst, ow)
                                src += planes.width
                                dst += ow
                            }
                        }
                    }
                }
            }
        }
    }

    /// image[b, c, …] += col[(c, ki, kj), b·P + p], the adjoint of `im2col` (image pre-filled).
    static func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                       _ image: UnsafeMutablePointer<Float>) {
        let p = g.positions, oh = g.outHeight, ow = g.outWidth
        let h = g.height, w = g.width, s = g.stride, pad = g.padding
        let kh = g.kernelHeight, kw = g.kernelWidth, rowStride = batch * p
        let ys = validRanges(size: h, outSize: oh, kernel: kh, stride: s, padding: pad)
        let xs = validRanges(size: w, outSize: ow, kernel: kw, stride: s, padding: pad)
        ys.withUnsafeBufferPointer { ys in
            xs.withUnsafeBufferPointer { xs in
                // Row by row, each read start to end (as im2col writes them).
                forEachChannelBlock(channels: g.channels, batch: batch) { channels, samples in
                    for c in channels {
                        for ki in 0..<kh {
                            let (ylo, yhi) = ys[ki]
                            for kj in 0..<kw {
                                let (xlo, xhi) = xs[kj]
                                let n = xhi - xlo
                                if yhi <= ylo || n <= 0 { continue }
                                let rowStart = col + ((c * kh + ki) * kw + kj) * rowStride + ylo * ow + xlo
                                for b in samples {
                                    var src = rowStart + b * p
                                    var row = image + (b * g.channels + c) * h * w + (ylo * s + ki - pad) * w + kj - pad + xlo * s
                                    for _ in ylo..<yhi {
                                        if s == 2 {
                                            for x in 0..<n { row[2 * x] += src[x] }
                                        } else {
                                            for x in 0..<n { row[x * s] += src[x] }
                                        }
                                        src += ow
                                        row += s * w
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// out[o, b·P + p] = x[b, o, p]: [B, O, P] → [O, B·P].
    static func toChannelMajor(_ x: UnsafePointer<Float>, channels: Int, batch: Int, positions: Int,
                               _ out: UnsafeMutablePointer<Float>) {
        Parallel.forEachChunk(channels, minimumPerChunk: 2) { range in
            for o in range {
                for b in 0..<batch {
                    (out + o * batch * positions + b * positions)
                        .update(from: x + (b * channels + o) * positions, count: positions)
                }
            }
        }
    }

    /// out[b·P + p, o] = x[b, o, p]: [B, O, P] → [B·P, O], each sample's [O, P] transposed.
    static func toPositionMajor(_ x: UnsafePointer<Float>, channels: Int, batch: Int, positions: Int,
                                _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<batch {
            Tensor.transpose(x + b * channels * positions, rows: channels, columns: positions, into: out + b * positions * channels)
        }
    }

    /// out[b, o, p] = x[o, b·P + p] + bias[o]: [O, B·P] → [B, O, P].
    static func fromChannelMajor(_ x: UnsafePointer<Float>, channels: Int, batch: Int, positions: Int,
                                 bias: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>) {
        Parallel.forEachChunk(channels, minimumPerChunk: 2) { range in
            for o in range {
                let add = bias?[o] ?? 0
                for b in 0..<batch {
                    let src = x + o * batch * positions + b * positions
                    let dst = out + (b * channels + o) * positions
                    for i in 0..<positions { dst[i] = src[i] + add }
                }
            }
        }
    }
}

/// The s × s phase planes of one image channel for a convolution's geometry: plane (ry, rx)
/// holds pixel (s·u + ry − s·top, s·v + rx − s·left) at (u, v), zero where that lies outside.
struct PhasePlanes {
    let geometry: ConvGeometry
    /// Border rows and columns before the first pixel of a plane: ⌈pad / s⌉.
    let top: Int, left: Int
    /// Rows and columns of one plane.
    let height: Int, width: Int

    init(_ g: ConvGeometry) {
        geometry = g
        let s = g.stride
        top = (g.padding + s - 1) / s
        left = top
        // The last window reaches plane row oh − 1 + ⌊(kh − 1 − pad) / s⌋ (+ top); the pixels
        // need ⌈h / s⌉ rows (+ top).
        height = max(g.outHeight + PhasePlanes.floorDiv(g.kernelHeight - 1 - g.padding, s), (g.height + s - 1) / s) + top
        width = max(g.outWidth + PhasePlanes.floorDiv(g.kernelWidth - 1 - g.padding, s), (g.width + s - 1) / s) + left
        // Pixel (y, x) lies in plane (y mod s, x mod s) at (y / s + top, x / s + left): one table
        // per call keeps divisions and per-row set-up out of the loop over channels and samples.
        let (planeHeight, planeWidth, top, left) = (height, width, top, left)
        destinations = (0..<g.height * g.width).map { i in
            let (y, x) = (i / g.width, i % g.width)
            return ((y % s) * s + x % s) * planeHeight * planeWidth + (y / s + top) * planeWidth + x / s + left
        }
        windowStarts = (0..<g.kernelHeight * g.kernelWidth).map { offset(ki: $0 / g.kernelWidth, kj: $0 % g.kernelWidth) }
    }

    /// For each pixel of a channel, its index in the planes.
    let destinations: [Int]
    /// For each kernel tap (ki, kj), row-major, where its window starts (`offset(ki:kj:)`).
    private(set) var windowStarts: [Int] = []

    /// Floats for all s² planes.
    var count: Int { geometry.stride * geometry.stride * height * width }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Where kernel tap (ki, kj)'s window starts: its plane, row and column for output (0, 0).
    func offset(ki: Int, kj: Int) -> Int {
        let s = geometry.stride
        let qy = ki - geometry.padding, qx = kj - geometry.padding
        let dy = PhasePlanes.floorDiv(qy, s), dx = PhasePlanes.floorDiv(qx, s)
        let ry = qy - s * dy, rx = qx - s * dx
        return (ry * s + rx) * height * width + (dy + top) * width + dx + left
    }

    /// Writes one channel [h, w] into its planes, pixel i to `destinations[i]`. It writes the same
    /// positions every time and never the border, so planes zeroed once stay zero-bordered
    /// however often they are reused.
    func split(_ channel: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        destinations.withUnsafeBufferPointer { d in
            for i in 0..<d.count { planes[d[i]] = channel[i] }
        }
    }
}

/// dst[0..<n] = src[0..<n], four floats at a time (the last four overlapping when n % 4 ≠ 0).
@inline(__always)
func copyRun(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    guard n >= 4 else {
        for i in 0..<n { dst[i] = src[i] }
        return
    }
    let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
    var i = 0
    while i + 4 <= n {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self), toByteOffset: 4 * i, as: SIMD4<Float>.self)
        i += 4
    }
    if i < n {
        let last = 4 * (n - 4)
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: SIMD4<Float>.self), toByteOffset: last, as: SIMD4<Float>.self)
    }
}

/// Runs `body(channels, samples)` over blocks covering channels × samples once, one block per
/// thread: split by channel when there are enough channels, else by sample.
func forEachChannelBlock(channels: Int, batch: Int, _ body: (_ channels: Range<Int>, _ samples: Range<Int>) -> Void) {
    if channels >= 2 * BLAS.threadCount || channels >= batch {
        Parallel.forEachChunk(channels) { body($0, 0..<batch) }
    } else {
        Parallel.forEachChunk(batch) { body(0..<channels, $0) }
    }
}

/// Runs `body(start, count)` on consecutive chunks of at most `size` samples covering
/// 0..<total, in order.
func forEachSampleChunk(_ total: Int, size: Int, _ body: (_ start: Int, _ count: Int) -> Void) {
    var start = 0
    while start < total {
        let count = min(max(1, size), total - start)
        body(start, count)
        start += count
    }
}

/// Scratch memory for one operation, reused across chunks.
struct Scratch {
    private(set) var buffer: [Float]
    /// Uninitialised memory: every user writes before reading. At least one element, so `with`
    /// has an address to give even when `count` is 0.
    init(_ count: Int) {
        let size = max(1, count)
        buffer = [Float](unsafeUninitializedCapacity: size) { _, initialized in initialized = size }
    }
    mutating func with<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// The element-wise sum of `count` equal slices of `partials`, added in slice order.
func sumOfShares(_ partials: [Float], count: Int) -> [Float] {
    guard count > 1 else { return partials }
    let size = partials.count / count
    var sum = Array(partials[0..<size])
    for share in 1..<count {
        let base = share * size
        for i in 0..<size { sum[i] += partials[base + i] }
    }
    return sum
}

/// Per-channel sums of a [N, C, …] tensor, [C] (the bias gradient of a convolution).
func channelSums(_ g: Tensor) -> Tensor {
    let n = g.shape[0], c = g.shape[1], plane = g.count / max(1, n * c)
    var out = [Float](repeating: 0, count: c)
    g.scalars.withUnsafeBufferPointer { p in
        out.withUnsafeMutableBufferPointer { o in
            let (source, sums) = (p.baseAddress!, o.baseAddress!)
            // Channels are independent; each sums its planes in sample order (same result on any thread).
            Parallel.forEachChunk(c, minimumPerChunk: max(1, Parallel.elementwiseGrain / max(1, n * plane))) { channels in
                for ch in channels { sums[ch] = channelSum(source + ch * plane, planes: n, stride: c * plane, count: plane) }
            }
        }
    }
    return Tensor(unchecked: [c], scalars: out)
}

/// Σ over `planes` planes of `count` floats, `stride` apart: eight partial sums per plane so the
/// loop vectorises, planes added in order.
private func channelSum(_ start: UnsafePointer<Float>, planes: Int, stride: Int, count: Int) -> Float {
    var total: Float = 0
    for b in 0..<planes {
        let plane = start + b * stride
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(plane + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = lanes.sum()
        while i < count { s += plane[i]; i += 1 }
        total += s
    }
    return total
}


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

    /// Samples per chunk so that one chunk's columns stay under about 16 MB.
    func chunk(for batch: Int) -> Int {
        max(1, min(batch, (4 << 20) / max(1, rows * positions)))
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

    /// col[r, b·P + p] = image[b, c, oh·s − pad + ki, ow·s − pad + kj] (0 outside), r = (c, ki, kj).
    static func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                       _ col: UnsafeMutablePointer<Float>) {
        let p = g.positions, oh = g.outHeight, ow = g.outWidth
        let h = g.height, w = g.width, s = g.stride, pad = g.padding
        let kh = g.kernelHeight, kw = g.kernelWidth, rowStride = batch * p
        Parallel.forEachChunk(batch, minimumPerChunk: 2) { samples in
            for b in samples {
                for c in 0..<g.channels {
                    let src = image + (b * g.channels + c) * h * w
                    for ki in 0..<kh {
                        let (ylo, yhi) = validRange(size: h, outSize: oh, stride: s, offset: ki - pad)
                        for kj in 0..<kw {
                            let r = (c * kh + ki) * kw + kj
                            let dstBase = col + r * rowStride + b * p
                            let off = kj - pad
                            let (xlo, xhi) = validRange(size: w, outSize: ow, stride: s, offset: off)
                            if ylo > 0 { dstBase.update(repeating: 0, count: ylo * ow) }
                            if yhi < oh { (dstBase + yhi * ow).update(repeating: 0, count: (oh - yhi) * ow) }
                            var dst = dstBase + ylo &* ow
                            let firstRow: Int = (ylo &* s &+ ki &- pad) &* w &+ off
                            var row = src + firstRow
                            let rowStep = s &* w
                            for _ in ylo..<yhi {
                                var x = 0
                                while x < xlo { dst[x] = 0; x &+= 1 }
                                let skip: Int = xlo &* s
                                var q = row + skip
                                while x < xhi { dst[x] = q.pointee; q += s; x &+= 1 }
                                while x < ow { dst[x] = 0; x &+= 1 }
                                dst += ow
                                row += rowStep
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
        Parallel.forEachChunk(batch, minimumPerChunk: 2) { samples in
            for b in samples {
                for c in 0..<g.channels {
                    let dst = image + (b * g.channels + c) * h * w
                    for ki in 0..<kh {
                        let (ylo, yhi) = validRange(size: h, outSize: oh, stride: s, offset: ki - pad)
                        for kj in 0..<kw {
                            let r = (c * kh + ki) * kw + kj
                            let srcBase = col + r * rowStride + b * p
                            let off = kj - pad
                            let (xlo, xhi) = validRange(size: w, outSize: ow, stride: s, offset: off)
                            var src = srcBase + ylo &* ow
                            let firstRow: Int = (ylo &* s &+ ki &- pad) &* w &+ off
                            var row = dst + firstRow
                            let rowStep = s &* w
                            for _ in ylo..<yhi {
                                let skip: Int = xlo &* s
                                var q = row + skip
                                var x = xlo
                                while x < xhi { q.pointee += src[x]; q += s; x &+= 1 }
                                src += ow
                                row += rowStep
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

/// Scratch memory for one operation, reused across chunks.
struct Scratch {
    private(set) var buffer: [Float]
    /// Uninitialised memory: every user writes before reading.
    init(_ count: Int) {
        buffer = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
    mutating func with<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// Per-channel sums of a [N, C, …] tensor, [C] (the bias gradient of a convolution).
func channelSums(_ g: Tensor) -> Tensor {
    let n = g.shape[0], c = g.shape[1], plane = g.count / max(1, n * c)
    var out = [Float](repeating: 0, count: c)
    g.scalars.withUnsafeBufferPointer { p in
        for b in 0..<n { for ch in 0..<c {
            var s: Float = 0
            let base = (b * c + ch) * plane
            for i in 0..<plane { s += p[base + i] }
            out[ch] += s
        } }
    }
    return Tensor(unchecked: [c], scalars: out)
}

/// The im2col matrix of a convolution's forward pass, kept for its backward pass.
final class ColumnCache {
    var columns: [Float]?
}

extension Scratch {
    /// Scratch memory taking over an existing buffer.
    init(_ buffer: [Float]) { self.buffer = buffer }
}

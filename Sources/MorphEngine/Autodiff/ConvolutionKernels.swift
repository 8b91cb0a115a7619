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
    /// col[r, b·P + p] = image[b, c, oh·s − pad + ki, ow·s − pad + kj] (0 outside), r = (c, ki, kj).
    static func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                       _ col: UnsafeMutablePointer<Float>) {
        let kk = g.kernelHeight * g.kernelWidth, p = g.positions, oh = g.outHeight, ow = g.outWidth
        let h = g.height, w = g.width, s = g.stride, pad = g.padding
        Parallel.forEachChunk(g.rows, minimumPerChunk: 4) { rows in
            for r in rows {
                let c = r / kk, ki = (r / g.kernelWidth) % g.kernelHeight, kj = r % g.kernelWidth
                for b in 0..<batch {
                    let src = image + (b * g.channels + c) * h * w
                    let dstBase = col + r * batch * p + b * p
                    for y in 0..<oh {
                        let ih = y * s - pad + ki
                        let dst = dstBase + y * ow
                        if ih < 0 || ih >= h {
                            dst.update(repeating: 0, count: ow)
                            continue
                        }
                        let row = src + ih * w
                        for x in 0..<ow {
                            let iw = x * s - pad + kj
                            dst[x] = (iw >= 0 && iw < w) ? row[iw] : 0
                        }
                    }
                }
            }
        }
    }

    /// image[b, c, …] += col[(c, ki, kj), b·P + p], the adjoint of `im2col` (image pre-filled).
    static func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, batch: Int,
                       _ image: UnsafeMutablePointer<Float>) {
        let kk = g.kernelHeight * g.kernelWidth, p = g.positions, oh = g.outHeight, ow = g.outWidth
        let h = g.height, w = g.width, s = g.stride, pad = g.padding
        Parallel.forEachChunk(g.channels) { channels in
            for c in channels {
                for ki in 0..<g.kernelHeight {
                    for kj in 0..<g.kernelWidth {
                        let r = c * kk + ki * g.kernelWidth + kj
                        for b in 0..<batch {
                            let dst = image + (b * g.channels + c) * h * w
                            let srcBase = col + r * batch * p + b * p
                            for y in 0..<oh {
                                let ih = y * s - pad + ki
                                if ih < 0 || ih >= h { continue }
                                let src = srcBase + y * ow
                                let row = dst + ih * w
                                for x in 0..<ow {
                                    let iw = x * s - pad + kj
                                    if iw >= 0 && iw < w { row[iw] += src[x] }
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
    init(_ count: Int) { buffer = [Float](repeating: 0, count: count) }
    mutating func with<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

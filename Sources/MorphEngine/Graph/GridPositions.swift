/// Node positions and kernel anchors that make a graph convolution a 2-D convolution: pixels at
/// their (row, column) coordinates, a ring of padding nodes around them, anchors at a kernel's
/// offsets from its centre.
public enum GridPositions {
    /// An H×W grid's pixels, row-major, then the padding nodes of a `padding`-wide ring around
    /// it, row-major: [H·W + ring, 2].
    public static func pixels(height: Int, width: Int, padding: Int = 0) throws(EngineError) -> Tensor {
        guard height > 0, width > 0, padding >= 0, height <= 1 << 12, width <= 1 << 12, padding <= 1 << 8 else {
            throw .invalidArgument("grid positions: need 1…4096 rows and columns and a padding of 0…256, got \(height)×\(width), padding \(padding)")
        }
        var inside: [Float] = [], ring: [Float] = []
        for r in -padding..<(height + padding) {
            for c in -padding..<(width + padding) {
                let isPixel = r >= 0 && r < height && c >= 0 && c < width
                if isPixel { inside += [Float(r), Float(c)] } else { ring += [Float(r), Float(c)] }
            }
        }
        return try Tensor(shape: [(inside.count + ring.count) / 2, 2], scalars: inside + ring)
    }

    /// The centres of a convolution's windows over an H×W grid, in the grid's coordinates, for
    /// a kernel of `kernel` × `kernel`, `stride` and `padding`: [OH·OW, 2].
    public static func windowCentres(height: Int, width: Int, kernel: Int, stride: Int, padding: Int) throws(EngineError) -> Tensor {
        let g = ConvGeometry(channels: 1, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
                             stride: stride, padding: padding)
        guard kernel > 0, stride > 0, padding >= 0, height + 2 * padding >= kernel, width + 2 * padding >= kernel,
              height <= 1 << 12, width <= 1 << 12 else {
            throw .invalidArgument("window centres: no window of kernel \(kernel), stride \(stride), padding \(padding) fits \(height)×\(width)")
        }
        let centre = Float(kernel - 1) / 2
        var out: [Float] = []
        for oy in 0..<g.outHeight {
            for ox in 0..<g.outWidth {
                out += [Float(oy * stride - padding) + centre, Float(ox * stride - padding) + centre]
            }
        }
        return try Tensor(shape: [g.positions, 2], scalars: out)
    }

    /// A k×k kernel's offsets from its centre, row-major (the order of a Conv2d weight's last two
    /// axes): [k·k, 2].
    public static func kernelAnchors(size k: Int) throws(EngineError) -> Tensor {
        guard k > 0, k <= 64 else { throw .invalidArgument("kernel anchors: size must be 1…64, got \(k)") }
        let centre = Float(k - 1) / 2
        var out: [Float] = []
        for i in 0..<k { for j in 0..<k { out += [Float(i) - centre, Float(j) - centre] } }
        return try Tensor(shape: [k * k, 2], scalars: out)
    }
}

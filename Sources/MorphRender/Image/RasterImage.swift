/// An 8-bit image in row-major order, ready for PNG encoding.
///
/// `channels` is 1 (gray), 3 (RGB) or 4 (RGBA); `pixels` holds `width * height * channels`
/// bytes, the channels of a pixel adjacent. The initialisers check this, so every value is valid.
public struct RasterImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 gray, 3 RGB, 4 RGBA.
    public let channels: Int
    /// The samples, row by row, `width * height * channels` of them.
    public let pixels: [UInt8]

    /// An image from its samples; throws if the sizes do not agree or `channels` is not 1, 3 or 4.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws(RenderError) {
        guard width > 0, height > 0 else {
            throw RenderError("an image needs a positive width and height (got \(width)×\(height))")
        }
        guard channels == 1 || channels == 3 || channels == 4 else {
            throw RenderError("an image has 1 (gray), 3 (RGB) or 4 (RGBA) channels, not \(channels)")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= 1 << 28 else {
            throw RenderError("an image of \(width)×\(height) pixels is too large")
        }
        guard pixels.count == count * channels else {
            throw RenderError(
                "a \(width)×\(height) image with \(channels) channel(s) needs \(count * channels) samples, got \(pixels.count)")
        }
        self.init(unchecked: width, height: height, channels: channels, pixels: pixels)
    }

    /// An image of one colour (`fill` holds one sample per channel); throws on invalid sizes.
    public init(width: Int, height: Int, fill: [UInt8]) throws(RenderError) {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw RenderError("an image needs a width and height between 1 and 32768 (got \(width)×\(height))")
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * fill.count)
        for _ in 0..<(width * height) { pixels.append(contentsOf: fill) }
        try self.init(width: width, height: height, channels: fill.count, pixels: pixels)
    }

    /// A gray image from values in [0, 1] (clamped; NaN becomes 0), row by row.
    public init(gray values: [Float], width: Int, height: Int) throws(RenderError) {
        guard values.count == width * height, width > 0, height > 0 else {
            throw RenderError("a \(width)×\(height) gray image needs \(max(0, width * height)) values, got \(values.count)")
        }
        try self.init(width: width, height: height, channels: 1, pixels: values.map(RasterImage.byte))
    }

    /// An RGB image from values in [0, 1] (clamped), each pixel's red, green and blue adjacent.
    public init(rgb values: [Float], width: Int, height: Int) throws(RenderError) {
        guard values.count == width * height * 3, width > 0, height > 0 else {
            throw RenderError("a \(width)×\(height) RGB image needs \(max(0, width * height * 3)) values, got \(values.count)")
        }
        try self.init(width: width, height: height, channels: 3, pixels: values.map(RasterImage.byte))
    }

    init(unchecked width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The byte for an intensity in [0, 1]: clamped, rounded; NaN maps to 0.
    static func byte(_ value: Float) -> UInt8 {
        guard value == value else { return 0 }
        let v = min(max(value, 0), 1) * 255
        return UInt8(v + 0.5)
    }

    /// The samples of the pixel at (`x`, `y`).
    public func pixel(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return pixels[start..<(start + channels)]
    }

    /// This image with every pixel repeated `factor` times in each direction (nearest neighbour).
    public func scaled(by factor: Int) -> RasterImage {
        guard factor > 1 else { return self }
        let w = width * factor, h = height * factor, c = channels
        var out = [UInt8](repeating: 0, count: w * h * c)
        out.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<height {
                    let rowStart = y * factor * w * c
                    var o = rowStart
                    for x in 0..<width {
                        let s = (y * width + x) * c
                        for _ in 0..<factor {
                            for k in 0..<c { dst[o + k] = src[s + k] }
                            o += c
                        }
                    }
                    for r in 1..<factor {
                        let to = rowStart + r * w * c
                        for i in 0..<(w * c) { dst[to + i] = dst[rowStart + i] }
                    }
                }
            }
        }
        return RasterImage(unchecked: w, height: h, channels: c, pixels: out)
    }

    /// This image as RGB (gray is replicated; alpha is composited over white).
    public func rgb() -> RasterImage {
        switch channels {
        case 3: return self
        case 1:
            var out = [UInt8](repeating: 0, count: pixels.count * 3)
            for (i, v) in pixels.enumerated() { out[3 * i] = v; out[3 * i + 1] = v; out[3 * i + 2] = v }
            return RasterImage(unchecked: width, height: height, channels: 3, pixels: out)
        default:
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0..<(width * height) {
                let a = Int(pixels[4 * i + 3])
                for k in 0..<3 {
                    out[3 * i + k] = UInt8((Int(pixels[4 * i + k]) * a + 255 * (255 - a) + 127) / 255)
                }
            }
            return RasterImage(unchecked: width, height: height, channels: 3, pixels: out)
        }
    }
}

/// A mutable 8-bit image that grids, heat maps and colour bars are drawn on.
struct _Canvas {
    let width: Int
    let height: Int
    let channels: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, channels: Int, background: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * channels)
        let fill = (0..<channels).map { background[$0 % background.count] }
        for _ in 0..<(width * height) { pixels.append(contentsOf: fill) }
        self.pixels = pixels
    }

    /// Copies `image` (converted to this canvas's channel count) with its top-left at (x, y), clipped.
    mutating func blit(_ image: RasterImage, x: Int, y: Int) {
        let source = image.channels == channels ? image : (channels == 3 ? image.rgb() : image)
        guard source.channels == channels else { return }
        for row in 0..<source.height {
            let ty = y + row
            guard ty >= 0, ty < height else { continue }
            let x0 = max(0, x), x1 = min(width, x + source.width)
            guard x0 < x1 else { continue }
            let srcStart = (row * source.width + (x0 - x)) * channels
            let dstStart = (ty * width + x0) * channels
            let n = (x1 - x0) * channels
            for i in 0..<n { pixels[dstStart + i] = source.pixels[srcStart + i] }
        }
    }

    /// Fills the rectangle with one colour (clipped).
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: [UInt8]) {
        for ty in max(0, y)..<min(height, y + h) {
            for tx in max(0, x)..<min(width, x + w) {
                let o = (ty * width + tx) * channels
                for k in 0..<channels { pixels[o + k] = color[k % color.count] }
            }
        }
    }

    /// Draws `text` in the bitmap font with its top-left at (x, y).
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, color: [UInt8]) {
        BitmapFont.draw(text, x: x, y: y, scale: scale, color: color, into: &pixels,
                        width: width, height: height, channels: channels)
    }

    var image: RasterImage { RasterImage(unchecked: width, height: height, channels: channels, pixels: pixels) }
}

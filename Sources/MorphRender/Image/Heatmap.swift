/// Heat maps: scalar fields (e.g. per-pixel Jacobian magnitude) coloured through a colormap.
public enum Heatmap {
    /// The smallest and largest finite value over all `maps`, widened if they are equal; (0, 1) if none is finite.
    public static func range(of maps: [[Float]]) -> ClosedRange<Double> {
        var lo = Double.infinity, hi = -Double.infinity
        for map in maps {
            for v in map where v.isFinite {
                lo = min(lo, Double(v))
                hi = max(hi, Double(v))
            }
        }
        guard lo <= hi else { return 0...1 }
        if lo == hi { return (lo - 0.5)...(hi + 0.5) }
        return lo...hi
    }

    /// `values` (`width`×`height`, row by row) as an RGB image: `range` (default: the data's)
    /// maps onto the colormap; each pixel is enlarged `scale` times.
    public static func image(
        _ values: [Float], width: Int, height: Int, colormap: Colormap = .viridis,
        range: ClosedRange<Double>? = nil, scale: Int = 1
    ) throws(RenderError) -> RasterImage {
        guard width > 0, height > 0, values.count == width * height else {
            throw RenderError("a \(width)×\(height) heat map needs \(max(0, width * height)) values, got \(values.count)")
        }
        guard scale >= 1, scale <= 32 else { throw RenderError("scale must be a whole number from 1 to 32, not \(scale)") }
        let r = range ?? Heatmap.range(of: [values])
        let span = r.upperBound - r.lowerBound
        var pixels = [UInt8](repeating: 0, count: values.count * 3)
        for (i, v) in values.enumerated() {
            let t = span > 0 ? (Double(v) - r.lowerBound) / span : 0.5
            let k = colormap.index(t) * 3
            pixels[3 * i] = colormap.table[k]
            pixels[3 * i + 1] = colormap.table[k + 1]
            pixels[3 * i + 2] = colormap.table[k + 2]
        }
        return RasterImage(unchecked: width, height: height, channels: 3, pixels: pixels).scaled(by: scale)
    }

    /// Several heat maps on one shared scale in a grid, with a labelled colour bar on the right.
    public static func grid(
        _ maps: [[Float]], width: Int, height: Int, colormap: Colormap = .viridis,
        range: ClosedRange<Double>? = nil, columns: Int? = nil, padding: Int = 2, scale: Int = 1,
        rowLabels: [String] = [], columnLabels: [String] = [], caption: String? = nil, colorBar: Bool = true
    ) throws(RenderError) -> RasterImage {
        guard !maps.isEmpty else { throw RenderError("a heat map grid needs at least one map") }
        let shared = range ?? Heatmap.range(of: maps)
        var images: [RasterImage] = []
        for map in maps {
            images.append(try image(map, width: width, height: height, colormap: colormap, range: shared, scale: scale))
        }
        let grid = try ImageGrid.compose(images, columns: columns, padding: padding,
                                         rowLabels: rowLabels, columnLabels: columnLabels, caption: caption)
        guard colorBar else { return grid }
        let font = height * scale >= 40 ? 2 : 1
        let bar = bar(colormap: colormap, range: shared, height: max(grid.height - 2 * padding, 24 * font), scale: font)
        var canvas = _Canvas(width: grid.width + bar.width + 2 * padding, height: max(grid.height, bar.height + 2 * padding),
                             channels: 3, background: [255])
        canvas.blit(grid, x: 0, y: 0)
        canvas.blit(bar, x: grid.width + padding, y: padding)
        return canvas.image
    }

    /// A vertical colour bar `height` pixels tall, high values on top, labelled with its
    /// maximum, middle and minimum in the bitmap font at `scale`.
    /// The colour bar's labels, top to bottom: the upper bound, the middle and the lower bound,
    /// three significant digits; a value a millionth of the larger bound or less reads as 0
    /// (not 7.74e-34).
    static func barLabels(for range: ClosedRange<Double>) -> [String] {
        let scale = max(abs(range.lowerBound), abs(range.upperBound))
        return [range.upperBound, (range.lowerBound + range.upperBound) / 2, range.lowerBound]
            .map { abs($0) <= scale * 1e-6 ? "0" : NumberText.significant($0, digits: 3) }
    }

    public static func bar(colormap: Colormap, range: ClosedRange<Double>, height: Int, scale: Int = 1) -> RasterImage {
        let s = min(max(scale, 1), 8)
        let textHeight = BitmapFont.glyphHeight * s
        let h = max(height, 3 * textHeight)
        let barWidth = 6 * s + 4
        let labels = barLabels(for: range)
        let labelWidth = labels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0
        var canvas = _Canvas(width: barWidth + 3 * s + labelWidth, height: h, channels: 3, background: [255])
        let inner = h - textHeight  // the bar spans from the centre of the top label to that of the bottom one
        let top = textHeight / 2
        for y in 0..<inner {
            let t = inner > 1 ? 1 - Double(y) / Double(inner - 1) : 0.5
            let c = colormap.color(at: t)
            canvas.fill(x: 0, y: top + y, width: barWidth, height: 1, color: [c.red, c.green, c.blue])
        }
        for (i, label) in labels.enumerated() {
            let centre = top + (inner - 1) * i / 2
            canvas.fill(x: barWidth, y: centre, width: s + 1, height: max(1, s / 2), color: [0x22])
            canvas.text(label, x: barWidth + 3 * s, y: centre - textHeight / 2 + s / 2, scale: s, color: [0x22])
        }
        return canvas.image
    }
}

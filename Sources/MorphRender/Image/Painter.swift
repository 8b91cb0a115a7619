/// A supersampled RGB drawing surface for charts: rectangles, thick lines, filled polygons and
/// discs with alpha, and bitmap text; `image()` averages each block of subpixels into one pixel.
struct _Painter {
    let width: Int, height: Int
    /// Subpixels per pixel in each direction.
    let samples: Int
    /// RGB bytes, width·samples × height·samples subpixels.
    private(set) var pixels: [UInt8]
    /// Per subpixel, the number of the last stroke that painted it, so a stroke paints each once.
    private var strokeMark: [UInt8]
    private var strokeNumber: UInt8 = 0

    init(width: Int, height: Int, samples: Int) {
        self.width = width
        self.height = height
        self.samples = samples
        pixels = [UInt8](repeating: 255, count: width * samples * height * samples * 3)
        strokeMark = [UInt8](repeating: 0, count: width * samples * height * samples)
    }

    var fineWidth: Int { width * samples }
    var fineHeight: Int { height * samples }

    /// Parses "#rrggbb" into RGB bytes; anything else is black.
    static func rgb(_ hex: String) -> (Int, Int, Int) {
        let digits = Array(hex.utf8.dropFirst())
        guard hex.hasPrefix("#"), digits.count == 6 else { return (0, 0, 0) }
        func value(_ c: UInt8) -> Int {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c) - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c) - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c) - 55
            default: return 0
            }
        }
        func byte(_ i: Int) -> Int { value(digits[i]) * 16 + value(digits[i + 1]) }
        return (byte(0), byte(2), byte(4))
    }

    /// Blends `color` at `alpha` into the subpixel (x, y) if it is on the surface.
    @inline(__always)
    mutating func plot(_ x: Int, _ y: Int, _ color: (Int, Int, Int), _ alpha: Float) {
        guard x >= 0, y >= 0, x < fineWidth, y < fineHeight else { return }
        let o = (y * fineWidth + x) * 3
        if alpha >= 1 {
            pixels[o] = UInt8(color.0)
            pixels[o + 1] = UInt8(color.1)
            pixels[o + 2] = UInt8(color.2)
            return
        }
        let a = Int(alpha * 256)
        pixels[o] = UInt8(Int(pixels[o]) + ((color.0 - Int(pixels[o])) * a) / 256)
        pixels[o + 1] = UInt8(Int(pixels[o + 1]) + ((color.1 - Int(pixels[o + 1])) * a) / 256)
        pixels[o + 2] = UInt8(Int(pixels[o + 2]) + ((color.2 - Int(pixels[o + 2])) * a) / 256)
    }

    /// Fills a rectangle given in pixels.
    mutating func fillRect(x: Double, y: Double, width w: Double, height h: Double, color: String, alpha: Float = 1) {
        let c = _Painter.rgb(color), s = Double(samples)
        let x0 = Int((x * s).rounded()), x1 = Int(((x + w) * s).rounded())
        let y0 = Int((y * s).rounded()), y1 = Int(((y + h) * s).rounded())
        for fy in max(0, y0)..<max(max(0, y0), min(fineHeight, y1)) {
            for fx in max(0, x0)..<max(max(0, x0), min(fineWidth, x1)) { plot(fx, fy, c, alpha) }
        }
    }

    /// Draws a polyline `lineWidth` pixels wide with round joins, clipped to `clip` (in pixels).
    mutating func strokePolyline(_ points: [(Double, Double)], lineWidth: Double, color: String, clip: _ChartLayout.Rect) {
        guard !points.isEmpty else { return }
        let c = _Painter.rgb(color), s = Double(samples)
        let r = lineWidth * s / 2
        strokeNumber &+= 1
        if strokeNumber == 0 {  // wrapped: forget old marks
            for i in strokeMark.indices { strokeMark[i] = 0 }
            strokeNumber = 1
        }
        let cx0 = Int(clip.x * s), cx1 = Int((clip.x + clip.width) * s)
        let cy0 = Int(clip.y * s), cy1 = Int((clip.y + clip.height) * s)
        let segments = points.count == 1 ? [(points[0], points[0])] : Array(zip(points, points.dropFirst()))
        for ((ax, ay), (bx, by)) in segments {
            let x0 = ax * s, y0 = ay * s, x1 = bx * s, y1 = by * s
            let minX = max(Int(min(x0, x1) - r) - 1, cx0), maxX = min(Int(max(x0, x1) + r) + 1, cx1)
            let minY = max(Int(min(y0, y1) - r) - 1, cy0), maxY = min(Int(max(y0, y1) + r) + 1, cy1)
            guard minX <= maxX, minY <= maxY else { continue }
            let dx = x1 - x0, dy = y1 - y0
            let length2 = dx * dx + dy * dy
            for fy in minY...maxY {
                for fx in minX...maxX {
                    let px = Double(fx) + 0.5, py = Double(fy) + 0.5
                    var t = length2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / length2 : 0
                    t = min(max(t, 0), 1)
                    let ex = px - (x0 + t * dx), ey = py - (y0 + t * dy)
                    if ex * ex + ey * ey <= r * r {
                        guard fx >= 0, fy >= 0, fx < fineWidth, fy < fineHeight else { continue }
                        let key = fy * fineWidth + fx
                        if strokeMark[key] != strokeNumber {
                            strokeMark[key] = strokeNumber
                            plot(fx, fy, c, 1)
                        }
                    }
                }
            }
        }
    }

    /// Fills a polygon (even-odd rule) with `color` at `alpha`, clipped to `clip`.
    mutating func fillPolygon(_ points: [(Double, Double)], color: String, alpha: Float, clip: _ChartLayout.Rect) {
        guard points.count >= 3 else { return }
        let c = _Painter.rgb(color), s = Double(samples)
        let ys = points.map { $0.1 * s }
        let y0 = max(Int((ys.min() ?? 0).rounded(.down)), Int(clip.y * s))
        let y1 = min(Int((ys.max() ?? 0).rounded(.up)), Int((clip.y + clip.height) * s))
        guard y0 <= y1 else { return }
        let cx0 = Int(clip.x * s), cx1 = Int((clip.x + clip.width) * s)
        for fy in y0...y1 {
            let py = Double(fy) + 0.5
            var crossings: [Double] = []
            for i in points.indices {
                let (ax, ay) = (points[i].0 * s, points[i].1 * s)
                let j = (i + 1) % points.count
                let (bx, by) = (points[j].0 * s, points[j].1 * s)
                if (ay <= py) != (by <= py) {
                    crossings.append(ax + (py - ay) / (by - ay) * (bx - ax))
                }
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                let from = max(Int((crossings[k] - 0.5).rounded(.up)), cx0)
                let to = min(Int((crossings[k + 1] - 0.5).rounded(.down)), cx1)
                if from <= to { for fx in from...to { plot(fx, fy, c, alpha) } }
                k += 2
            }
        }
    }

    /// Fills a disc of `radius` pixels centred at (x, y).
    mutating func fillDisc(x: Double, y: Double, radius: Double, color: String, alpha: Float) {
        let c = _Painter.rgb(color), s = Double(samples)
        let cx = x * s, cy = y * s, r = radius * s
        for fy in Int(cy - r)...Int(cy + r) + 1 {
            for fx in Int(cx - r)...Int(cx + r) + 1 {
                let dx = Double(fx) + 0.5 - cx, dy = Double(fy) + 0.5 - cy
                if dx * dx + dy * dy <= r * r { plot(fx, fy, c, alpha) }
            }
        }
    }

    /// The width in pixels of `text` in the bitmap font with `pixel` subpixels per font pixel.
    func textWidth(_ text: String, pixel: Int) -> Double {
        Double(BitmapFont.width(of: text, scale: pixel)) / Double(samples)
    }

    /// Draws `text` in the bitmap font; (x, y) is the anchor in pixels and `anchor` is 0 (start),
    /// 0.5 (middle) or 1 (end); `y` is the text's vertical centre. `rotated` turns it a quarter
    /// anticlockwise (reading upwards), for a y axis title.
    mutating func text(_ text: String, x: Double, y: Double, pixel: Int, color: String, anchor: Double = 0, rotated: Bool = false) {
        let c = _Painter.rgb(color), s = Double(samples)
        let length = Double(BitmapFont.width(of: text, scale: pixel))
        let capHeight = Double(7 * pixel)
        var pen = 0
        for ch in text {
            let rows = BitmapFont.glyph(ch)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    // Offsets along and across the text direction, in subpixels.
                    let along = Double(pen + col * pixel) - anchor * length
                    let across = Double(r * pixel) - capHeight / 2
                    for a in 0..<pixel {
                        for b in 0..<pixel {
                            let u = along + Double(a), v = across + Double(b)
                            if rotated {
                                plot(Int(x * s + v), Int(y * s - u), c, 1)
                            } else {
                                plot(Int(x * s + u), Int(y * s + v), c, 1)
                            }
                        }
                    }
                }
            }
            pen += BitmapFont.advance * pixel
        }
    }

    /// The averaged 8-bit RGB image.
    func image() -> RasterImage {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let n = samples * samples
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                for x in 0..<width {
                    var r = 0, g = 0, b = 0
                    for sy in 0..<samples {
                        var o = ((y * samples + sy) * fineWidth + x * samples) * 3
                        for _ in 0..<samples {
                            r += Int(src[o]); g += Int(src[o + 1]); b += Int(src[o + 2])
                            o += 3
                        }
                    }
                    let i = (y * width + x) * 3
                    out[i] = UInt8((r + n / 2) / n)
                    out[i + 1] = UInt8((g + n / 2) / n)
                    out[i + 2] = UInt8((b + n / 2) / n)
                }
            }
        }
        return RasterImage(unchecked: width, height: height, channels: 3, pixels: out)
    }
}

import MorphRender

/// Morph's logo, drawn procedurally: a shape morphing from a circle (left) into a square (right),
/// coloured along viridis, on a transparent background.
public enum Logo {
    /// The logo as a `size`×`size` RGBA PNG.
    public static func png(size: Int) -> [UInt8] {
        let samples = 4
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        for y in 0..<size {
            for x in 0..<size {
                var coverage = 0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let u = (Double(x) + (Double(sx) + 0.5) / Double(samples)) / Double(size) * 2 - 1
                        let v = (Double(y) + (Double(sy) + 0.5) / Double(samples)) / Double(size) * 2 - 1
                        if isInside(u: u, v: v) { coverage += 1 }
                    }
                }
                guard coverage > 0 else { continue }
                let t = Double(x) / Double(max(1, size - 1))
                let color = Colormap.viridis.color(at: 0.15 + 0.8 * t)
                let offset = (y * size + x) * 4
                pixels[offset] = color.red
                pixels[offset + 1] = color.green
                pixels[offset + 2] = color.blue
                pixels[offset + 3] = UInt8(255 * coverage / (samples * samples))
            }
        }
        guard let image = try? RasterImage(width: size, height: size, channels: 4, pixels: pixels) else { return [] }
        return PNG.encode(image)
    }

    /// A superellipse |u|^p + |v|^p ≤ r^p whose exponent grows from 2 (circle) to 10 (almost a square) left to right.
    private static func isInside(u: Double, v: Double) -> Bool {
        let t = (u + 1) / 2
        let p = 2 + 8 * t
        let r = 0.86
        return pow(abs(u) / r, p) + pow(abs(v) / r, p) <= 1
    }
}

#if canImport(Glibc)
import Glibc
#endif
